/**
 * `npm run rotate-secrets`: re-encrypts every stored secret with the first key of
 * FABRIC_SYNC_SECRET_KEYS (or the data directory's key file), all or nothing.
 */
import { loadConfig } from '../config.js';
import { loadOrCreateKeyFile } from '../security/key-file.js';
import { SecretBox } from '../security/secret-box.js';
import { openDatabase } from '../store/database.js';
import { rotateStoredSecrets } from '../sync/secret-rotation.js';

const config = loadConfig();
const keys = config.secretKeys ?? (await loadOrCreateKeyFile(config.dataDir)).value;
const box = SecretBox.fromKeyList(keys);
const database = await openDatabase(config);
try {
  const { rotated, unchanged } = await rotateStoredSecrets(database.orm, box);
  console.log(`re-encrypted ${rotated} secret(s) with key ${box.currentKeyId}; ${unchanged} already used it`);
  console.log(
    'once every replica runs with the new key first, older keys can be removed from FABRIC_SYNC_SECRET_KEYS',
  );
} finally {
  await database.close();
}

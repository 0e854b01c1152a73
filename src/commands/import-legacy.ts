/**
 * `npm run import-legacy -- export.json`: imports the predecessor plugin's Git repositories and
 * credentials. Its Django SECRET_KEY comes from LEGACY_SECRET_KEY (never from argv, where other
 * users of the machine could read it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { GitSource } from '../git/git-source.js';
import { loadOrCreateKeyFile } from '../security/key-file.js';
import { Redactor } from '../security/redactor.js';
import { SecretBox } from '../security/secret-box.js';
import { Vault } from '../security/vault.js';
import { openDatabase } from '../store/database.js';
import { importLegacyRepositories } from '../sync/legacy-import.js';

const file = process.argv[2];
const legacyKey = process.env['LEGACY_SECRET_KEY'];
if (!file || !legacyKey) {
  console.error('usage: LEGACY_SECRET_KEY=… npm run import-legacy -- <export.json>');
  process.exit(2);
}
const config = loadConfig();
const keys = config.secretKeys ?? (await loadOrCreateKeyFile(config.dataDir)).value;
const vault = new Vault(SecretBox.fromKeyList(keys), new Redactor());
const git = new GitSource({
  cacheDir: path.join(config.dataDir, 'git'),
  allowedSchemes: config.gitAllowSchemes,
});
const database = await openDatabase(config);
try {
  const report = await importLegacyRepositories(
    { orm: database.orm, vault, git },
    await readFile(file, 'utf8'),
    legacyKey,
  );
  console.log(
    `imported ${report.imported.length} repositor${report.imported.length === 1 ? 'y' : 'ies'}: ${report.imported.join(', ')}`,
  );
  for (const s of report.skipped) console.log(`skipped ${s.name}: ${vault.redactor.redact(s.reason)}`);
} finally {
  await database.close();
}

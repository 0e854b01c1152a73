import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyText, parseKeyList } from './secret-keys.js';

export const KEY_FILE_NAME = 'secret-keys';

export interface LoadedKeys {
  /** The key list in the FABRIC_SYNC_SECRET_KEYS format, for SecretBox.fromKeyList. */
  readonly value: string;
  /** True when this call generated the file: the caller logs "generated a key into <path>" once. */
  readonly created: boolean;
  readonly path: string;
}

const HEADER =
  '# fabric-sync secret keys: one per line, the first encrypts, all decrypt.\n' +
  '# Losing this file makes every stored credential unreadable: back it up, keep it mode 0600.\n';

/**
 * Used when FABRIC_SYNC_SECRET_KEYS is unset: reads `<dataDir>/secret-keys`, or creates it with
 * one new key (file 0600, directory 0700). Creation is atomic (write a temp file, then hard-link
 * it into place), so replicas starting together on one data directory end up with the same key.
 * A key file that group or others can read is refused rather than silently used.
 */
export async function loadOrCreateKeyFile(dataDir: string): Promise<LoadedKeys> {
  const path = join(dataDir, KEY_FILE_NAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const created = (await exists(path)) ? false : await createIfMissing(path);
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new Error(`${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  const lines = (await readFile(path, 'utf8')).split('\n').map((line) => line.trim());
  const value = lines.filter((line) => line !== '' && !line.startsWith('#')).join(',');
  try {
    parseKeyList(value);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  return { value, created, path };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );

/** Writes a complete file under a temporary name, then links it into place: EEXIST means another process won. */
async function createIfMissing(path: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    try {
      await file.writeFile(`${HEADER}${generateKeyText()}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await link(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp);
  }
}

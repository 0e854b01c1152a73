/** Optional persistence of the whole store in one JSON file (written on close, read on start). */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoreDump } from './store.js';

export async function readSnapshot(path: string): Promise<StoreDump | undefined> {
  if (!existsSync(path)) return undefined;
  const dump = JSON.parse(await readFile(path, 'utf8')) as StoreDump;
  if (typeof dump.rv !== 'number' || typeof dump.tables !== 'object')
    throw new Error(`snapshot ${path} is not a store dump`);
  return dump;
}

/** Writes atomically (temp file + rename) so a crash never leaves half a snapshot. */
export async function writeSnapshot(path: string, dump: StoreDump): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp`;
  await writeFile(temp, JSON.stringify(dump));
  await rename(temp, path);
}

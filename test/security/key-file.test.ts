import { chmod, mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, loadOrCreateKeyFile } from '../../src/security/key-file.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { generateKeyText } from '../../src/security/secret-keys.js';

describe('loadOrCreateKeyFile', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fabric-sync-keys-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the data directory (0700) and a key file (0600) holding one usable key', async () => {
    const dataDir = join(root, 'data');
    const loaded = await loadOrCreateKeyFile(dataDir);
    expect(loaded).toMatchObject({ created: true, path: join(dataDir, KEY_FILE_NAME) });
    expect((await stat(loaded.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const box = SecretBox.fromKeyList(loaded.value);
    expect(box.keyIds).toHaveLength(1);
    expect(box.decrypt(box.encrypt('a secret'))).toBe('a secret');
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('reads the same keys on the next start without creating anything', async () => {
    const first = await loadOrCreateKeyFile(root);
    const second = await loadOrCreateKeyFile(root);
    expect(second).toEqual({ ...first, created: false });
  });

  it('gives replicas that start together one and the same key', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateKeyFile(root)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.value)).size).toBe(1);
    expect(await readdir(root)).toEqual([KEY_FILE_NAME]);
  });

  it('reads several keys, one per line, with comments, in order', async () => {
    const [a, b] = [generateKeyText(), generateKeyText()];
    const path = join(root, KEY_FILE_NAME);
    await writeFile(path, `# rotated in May\n${a}\n\n${b}\n`, { mode: 0o600 });
    expect((await loadOrCreateKeyFile(root)).value).toBe(`${a},${b}`);
    expect(await readFile(path, 'utf8')).toContain('# rotated in May');
  });

  it('refuses a key file others can read, and one holding a bad key, naming the file', async () => {
    const path = join(root, KEY_FILE_NAME);
    await writeFile(path, `${generateKeyText()}\n`, { mode: 0o600 });
    await chmod(path, 0o644);
    await expect(loadOrCreateKeyFile(root)).rejects.toThrow(/readable by others \(mode 644\).*chmod 600/);
    await chmod(path, 0o600);
    await writeFile(path, 'not-a-key\n');
    await expect(loadOrCreateKeyFile(root)).rejects.toThrow(
      new RegExp(`${path}: secret key #1 is not 64 hex`),
    );
  });
});

/**
 * A fabric directory reaches git as a pathspec: it must be read as the literal directory it
 * names, never as pathspec magic (`:(glob)`, `:(top)`, `:/`…).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource, type ManifestFile, type RepoAccess } from '../../src/git/index.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let server: GitServer;
let cacheDir: string;
let source: GitSource;
let repo: RepoAccess;
let commit: string;

async function paths(files: AsyncIterable<ManifestFile>): Promise<string[]> {
  const out: string[] = [];
  for await (const file of files) out.push(file.path);
  return out.sort();
}

beforeAll(async () => {
  server = await startGitServer();
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
  source = new GitSource({ cacheDir, allowedSchemes: ['http'], timeoutMs: 20_000 });
  const served = await server.createRepo('pathspecs', {
    'east/a.yaml': 'a: 1\n',
    'west/b.yaml': 'b: 1\n',
    ':(glob)**/literal.yaml': 'c: 1\n',
  });
  repo = { id: served.name, url: served.httpUrl, auth: { kind: 'NONE' } };
  ({ commit } = await source.fetch(repo, 'main'));
});

afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('a directory named like pathspec magic', () => {
  it('is the directory of that name, not a glob over every directory', async () => {
    expect(await source.treeHash(repo, commit, ':(glob)**')).toMatch(/^[0-9a-f]{40}$/);
    expect(await paths(source.readManifestFiles(repo, commit, ':(glob)**'))).toEqual([
      ':(glob)**/literal.yaml',
    ]);
  });
});

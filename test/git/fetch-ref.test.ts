/**
 * fetchRef (what previewFabric reads): a branch, a tag or a commit id resolves on the remote and is
 * fetched without moving the tracked branch's ref; anything that could reach git as an option is
 * refused before git runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource, type RepoAccess } from '../../src/git/index.js';
import { cachePathFor } from '../../src/git/repo-git.js';
import { trackingRef } from '../../src/git/refs.js';
import { git } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';

let server: GitServer;
let cacheDir: string;
let source: GitSource;
let repo: TestRepo;
let access: RepoAccess;
const commits: Record<string, string> = {};

beforeAll(async () => {
  server = await startGitServer();
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
  source = new GitSource({ cacheDir, allowedSchemes: ['http', 'file'], timeoutMs: 20_000 });
  repo = await server.createRepo('refs', { 'east/a.yaml': 'a: 1\n' });
  access = { id: repo.name, url: repo.httpUrl, auth: { kind: 'NONE' } };
  commits['first'] = await repo.headCommit();
  commits['feature'] = await repo.push({ 'east/a.yaml': 'a: 2\n' }, 'feature', { branch: 'feature' });
  await git(repo.workdir, ['tag', '-a', '-m', 'release', 'v1', commits['feature']]);
  await git(repo.workdir, ['push', '--quiet', 'origin', 'v1']);
});
afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const trackedTip = () =>
  git(cachePathFor(cacheDir, repo.name), ['rev-parse', trackingRef('main')]).then((s) => s.trim());

describe('fetchRef', () => {
  it('resolves a branch, an annotated tag and a full or cached short commit id; the tracked branch stays', async () => {
    await source.fetch(access, 'main');
    expect((await source.fetchRef(access, 'feature')).commit).toBe(commits['feature']);
    expect((await source.fetchRef(access, 'v1')).commit).toBe(commits['feature']);
    expect((await source.fetchRef(access, commits['first']!)).commit).toBe(commits['first']);
    expect((await source.fetchRef(access, commits['feature']!.slice(0, 10))).commit).toBe(commits['feature']);
    expect(await source.treeHash(access, commits['feature']!, 'east')).toMatch(/^[0-9a-f]{40}$/);
    expect(await trackedTip()).toBe(commits['first']);
  });

  it('an unknown branch or commit is NOT_FOUND; an option-like or malformed ref BAD_USER_INPUT', async () => {
    await expect(source.fetchRef(access, 'no-such-branch')).rejects.toMatchObject({ status: 'NOT_FOUND' });
    await expect(source.fetchRef(access, 'f'.repeat(40))).rejects.toMatchObject({ status: 'NOT_FOUND' });
    for (const ref of ['--upload-pack=touch /tmp/pwned', '-b', 'a..b', 'HEAD', 'x y', 'main@{1}'])
      await expect(source.fetchRef(access, ref)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

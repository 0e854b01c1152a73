import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { GitSource, type RepoAccess } from '../../src/git/index.js';
import { git } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';

let server: GitServer;
let cacheDir: string;
let source: GitSource;
const author = { name: 'Fabric Bot', email: 'bot@example.test' };

const access = (repo: TestRepo): RepoAccess => ({
  id: repo.name,
  url: repo.httpUrl,
  auth: { kind: 'TOKEN', secret: 'push-token-1' },
});

/** The id git gives a blob with this content. */
const blobId = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0${content}`)
    .digest('hex');

/** Whether the repository's cache holds an object: a failed write-back must leave none of its own. */
async function cacheHas(repo: TestRepo, oid: string): Promise<boolean> {
  const [dir] = (await readdir(cacheDir)).filter((d) => d.startsWith(`${repo.name}-`));
  const all = await git(join(cacheDir, dir!), [
    'cat-file',
    '--batch-all-objects',
    '--batch-check=%(objectname)',
  ]);
  return all.split('\n').includes(oid);
}

beforeAll(async () => {
  server = await startGitServer({ tokens: ['push-token-1'] });
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
  source = new GitSource({ cacheDir, allowedSchemes: ['http'], timeoutMs: 20_000 });
});

afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('commitAndPush', () => {
  it('commits writes and deletes on top of the base and pushes them with the repository credentials', async () => {
    const repo = await server.createRepo('wb-basic', {
      'fab/a.yaml': 'a: 1\n',
      'fab/old.yaml': 'old\n',
      'other.txt': 'x\n',
    });
    const { commit: base } = await source.fetch(access(repo), 'main');
    const { commit } = await source.commitAndPush(access(repo), {
      branch: 'main',
      baseCommit: base,
      targetBranch: 'main',
      files: [
        { path: 'fab/a.yaml', content: 'a: 2\n' },
        { path: '/fab/new/b.yaml', content: 'b: 1\n' },
        { path: 'fab/old.yaml', content: null },
      ],
      message: 'Update fabric east\n\nvia fabric-sync',
      author,
    });
    expect(await repo.headCommit()).toBe(commit);
    expect(await repo.readFile('fab/a.yaml')).toBe('a: 2\n');
    expect(await repo.readFile('fab/new/b.yaml')).toBe('b: 1\n');
    expect(await repo.readFile('other.txt')).toBe('x\n');
    await expect(repo.readFile('fab/old.yaml')).rejects.toThrow();
    await git(repo.workdir, ['fetch', '-q', 'origin']);
    const log = await git(repo.workdir, ['log', '-1', '--format=%P|%an <%ae>|%s', commit]);
    expect(log.trim()).toBe(`${base}|Fabric Bot <bot@example.test>|Update fabric east`);
  });

  it('pushes to a new review branch and leaves the fabric branch untouched', async () => {
    const repo = await server.createRepo('wb-review', { 'a.yaml': 'a: 1\n' });
    const { commit: base } = await source.fetch(access(repo), 'main');
    const { commit } = await source.commitAndPush(access(repo), {
      branch: 'main',
      baseCommit: base,
      targetBranch: 'review/add-vpc',
      files: [{ path: 'a.yaml', content: 'a: 2\n' }],
      message: 'Add a VPC',
      author,
    });
    expect(await repo.headCommit('main')).toBe(base);
    expect(await repo.headCommit('review/add-vpc')).toBe(commit);
  });

  it('refuses with CONFLICT and the current commit when someone pushed meanwhile, keeping both sides intact', async () => {
    const repo = await server.createRepo('wb-conflict', { 'a.yaml': 'a: 1\n' });
    const { commit: base } = await source.fetch(access(repo), 'main');
    const theirs = await repo.push({ 'b.yaml': 'theirs\n' }, 'someone else');
    const error = await source
      .commitAndPush(access(repo), {
        branch: 'main',
        baseCommit: base,
        targetBranch: 'main',
        files: [{ path: 'a.yaml', content: 'ours\n' }],
        message: 'ours',
        author,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CONFLICT', details: { currentCommit: theirs } });
    expect(await repo.headCommit()).toBe(theirs);
    expect(await repo.readFile('b.yaml')).toBe('theirs\n');
    expect(await repo.readFile('a.yaml')).toBe('a: 1\n');
    expect(await cacheHas(repo, blobId('ours\n'))).toBe(false);
  });

  it('fetches a base commit the cache lacks when it is still the branch tip, and commits on top of it', async () => {
    const repo = await server.createRepo('wb-uncached', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const base = await repo.headCommit();
    const { commit } = await source.commitAndPush(access(repo), {
      branch: 'main',
      baseCommit: base,
      targetBranch: 'main',
      files: [{ path: 'a.yaml', content: 'a: 2\n' }],
      message: 'on an unfetched base',
      author,
    });
    expect(commit).not.toBe(base);
    expect(await repo.headCommit()).toBe(commit);
    await git(repo.workdir, ['fetch', '-q', 'origin']);
    expect(await git(repo.workdir, ['log', '-1', '--format=%P', commit])).toBe(`${base}\n`);
    expect(await repo.readFile('a.yaml')).toBe('a: 2\n');
    expect(await repo.readFile('b.yaml')).toBe('b: 1\n');
  });

  it('refuses with CONFLICT when the base commit is no longer the branch tip and not in the cache', async () => {
    const repo = await server.createRepo('wb-stale', { 'a.yaml': 'a: 1\n' });
    const stale = await repo.headCommit();
    const current = await repo.push({ 'a.yaml': 'a: 2\n' }, 'moved on');
    const error = await source
      .commitAndPush(access(repo), {
        branch: 'main',
        baseCommit: stale,
        targetBranch: 'main',
        files: [{ path: 'a.yaml', content: 'a: 3\n' }],
        message: 'late',
        author,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', details: { currentCommit: current } });
    expect(await repo.headCommit()).toBe(current);
  });

  it('never force-pushes: a review branch that exists with other history is a CONFLICT', async () => {
    const repo = await server.createRepo('wb-noforce', { 'a.yaml': 'a: 1\n' });
    const { commit: base } = await source.fetch(access(repo), 'main');
    const other = await repo.push({ 'x.yaml': 'x\n' }, 'their review', { branch: 'review' });
    await expect(
      source.commitAndPush(access(repo), {
        branch: 'main',
        baseCommit: base,
        targetBranch: 'review',
        files: [{ path: 'a.yaml', content: 'a: 2\n' }],
        message: 'mine',
        author,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { currentCommit: other } });
    expect(await repo.headCommit('review')).toBe(other);
  });

  it('refuses paths outside the repository or into .git, and bad branch names, before touching git', async () => {
    const repo = await server.createRepo('wb-input', { 'a.yaml': 'a\n' });
    const { commit: base } = await source.fetch(access(repo), 'main');
    const request = { branch: 'main', baseCommit: base, targetBranch: 'main', message: 'x', author };
    for (const path of ['../escape.yaml', '.git/config', '/']) {
      await expect(
        source.commitAndPush(access(repo), { ...request, files: [{ path, content: 'x' }] }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    await expect(
      source.commitAndPush(access(repo), { ...request, targetBranch: '--force', files: [] }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'targetBranch' } });
    expect(await repo.headCommit()).toBe(base);
  });
});

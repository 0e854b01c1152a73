import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitSource,
  SourceFileError,
  type GitRemoteSample,
  type ManifestFile,
  type RepoAccess,
} from '../../src/git/index.js';
import { cachePathFor } from '../../src/git/repo-git.js';
import { git } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';

let server: GitServer;
let cacheDir: string;
let source: GitSource;
const AUTH = { kind: 'BASIC', username: 'ops', secret: 'fetch-pass' } as const;

const access = (repo: TestRepo): RepoAccess => ({ id: repo.name, url: repo.httpUrl, auth: AUTH });

async function collect(files: AsyncIterable<ManifestFile>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const file of files) out[file.path] = file.content;
  return out;
}

beforeAll(async () => {
  server = await startGitServer({ users: [{ username: 'ops', password: 'fetch-pass' }] });
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
  source = new GitSource({ cacheDir, allowedSchemes: ['http', 'file'], timeoutMs: 20_000 });
});

afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('fetch and treeHash', () => {
  it('detects a no-op: an unrelated change keeps the directory tree hash', async () => {
    const repo = await server.createRepo('noop', { 'east/a.yaml': 'a: 1\n', 'west/b.yaml': 'b: 1\n' });
    const first = await source.fetch(access(repo), 'main');
    expect(first.commit).toBe(await repo.headCommit());
    const east = await source.treeHash(access(repo), first.commit, 'east');
    expect(east).toMatch(/^[0-9a-f]{40}$/);

    const second = await source.fetch(access(repo), 'main');
    expect(second.commit).toBe(first.commit);

    await repo.push({ 'west/b.yaml': 'b: 2\n' }, 'change west only');
    const third = await source.fetch(access(repo), 'main');
    expect(third.commit).not.toBe(first.commit);
    expect(await source.treeHash(access(repo), third.commit, '/east/')).toBe(east);
    expect(await source.treeHash(access(repo), third.commit, 'west')).not.toBe(
      await source.treeHash(access(repo), first.commit, 'west'),
    );
  });

  it('asks an unchanged branch for its tip only, and fetches when it moved', async () => {
    const repo = await server.createRepo('poll', { 'a.yaml': 'a: 1\n' });
    const calls: string[] = [];
    const observed = new GitSource({
      cacheDir,
      allowedSchemes: ['http'],
      onRemoteCall: (sample: GitRemoteSample) => calls.push(`${sample.command} ${sample.outcome}`),
    });
    const first = await observed.fetch(access(repo), 'main');
    expect(calls.splice(0)).toEqual(['ls-remote ok', 'fetch ok']);
    expect(await observed.fetch(access(repo), 'main')).toEqual(first);
    expect(calls.splice(0)).toEqual(['ls-remote ok']);
    const moved = await repo.push({ 'a.yaml': 'a: 2\n' }, 'move');
    expect(await observed.fetch(access(repo), 'main')).toEqual({ commit: moved });
    expect(calls.splice(0)).toEqual(['ls-remote ok', 'fetch ok']);
    // A cache whose refs git packed (no loose ref file) is read through git itself.
    await git(cachePathFor(cacheDir, repo.name), ['pack-refs', '--all']);
    expect(await observed.fetch(access(repo), 'main')).toEqual({ commit: moved });
    expect(calls.splice(0)).toEqual(['ls-remote ok']);
  });

  it('throws NOT_FOUND naming a branch that does not exist', async () => {
    const repo = await server.createRepo('no-branch', { 'a.yaml': 'a\n' });
    await expect(source.fetch(access(repo), 'release')).rejects.toMatchObject({
      name: 'GitError',
      status: 'NOT_FOUND',
      message: 'repository no-branch has no branch "release"',
    });
  });

  it('gives the root tree for "" and ".", and null for a missing directory or a file', async () => {
    const repo = await server.createRepo('roots', { 'x/a.yaml': 'a: 1\n' });
    const { commit } = await source.fetch(access(repo), 'main');
    const root = await source.treeHash(access(repo), commit, '');
    expect(root).toMatch(/^[0-9a-f]{40}$/);
    expect(root).toBe((await git(repo.workdir, ['rev-parse', `${commit}^{tree}`])).trim());
    expect(await source.treeHash(access(repo), commit, '.')).toBe(root);
    expect(await source.treeHash(access(repo), commit, 'nope')).toBeNull();
    expect(await source.treeHash(access(repo), commit, 'x/a.yaml')).toBeNull();
  });

  it('follows a branch that was force-pushed backwards', async () => {
    const repo = await server.createRepo('rewind', { 'f/a.yaml': 'v: 1\n' });
    const old = await repo.headCommit();
    await repo.push({ 'f/a.yaml': 'v: 2\n' }, 'v2');
    expect((await source.fetch(access(repo), 'main')).commit).not.toBe(old);
    await repo.resetBranch('main', old);
    const { commit } = await source.fetch(access(repo), 'main');
    expect(commit).toBe(old);
    expect(await collect(source.readManifestFiles(access(repo), commit, 'f'))).toEqual({
      'f/a.yaml': 'v: 1\n',
    });
  });

  it('follows a force-pushed rewrite that shares no history with the cached tip', async () => {
    const repo = await server.createRepo('rewrite', { 'a.yaml': 'v: 1\n' });
    const root = await repo.headCommit();
    await source.fetch(access(repo), 'main');
    await repo.push({ 'a.yaml': 'v: 2\n' }, 'v2');
    await source.fetch(access(repo), 'main');
    const rewritten = await repo.push({ 'a.yaml': 'v: 3\n' }, 'rewritten', { parent: root, force: true });
    expect((await source.fetch(access(repo), 'main')).commit).toBe(rewritten);
  });

  it('recovers from a fetch that was killed mid-way and left lock files behind', async () => {
    const repo = await server.createRepo('stale-lock', { 'a.yaml': 'a: 1\n' });
    await source.fetch(access(repo), 'main');
    const cache = cachePathFor(cacheDir, repo.name);
    await writeFile(join(cache, 'shallow.lock'), '');
    await writeFile(join(cache, 'refs/fabric-sync/heads/main.lock'), '');
    const next = await repo.push({ 'a.yaml': 'a: 2\n' }, 'next');
    expect((await source.fetch(access(repo), 'main')).commit).toBe(next);
  });

  it('removes a repository cache on request, and fetches cold afterwards', async () => {
    const repo = await server.createRepo('removed', { 'a.yaml': 'a\n' });
    const { commit } = await source.fetch(access(repo), 'main');
    await source.removeCache(repo.name);
    await expect(stat(cachePathFor(cacheDir, repo.name))).rejects.toThrow();
    expect((await source.fetch(access(repo), 'main')).commit).toBe(commit);
  });

  it('keeps one cache per repository id and fetches different branches side by side', async () => {
    const repo = await server.createRepo('branches', { 'a.yaml': 'main: 1\n' });
    const dev = await repo.push({ 'a.yaml': 'dev: 1\n' }, 'dev', { branch: 'dev' });
    const [main, devFetched] = await Promise.all([
      source.fetch(access(repo), 'main'),
      source.fetch(access(repo), 'dev'),
    ]);
    expect(main.commit).toBe(await repo.headCommit('main'));
    expect(devFetched.commit).toBe(dev);
  });
});

describe('readManifestFiles', () => {
  it('streams *.yaml and *.yml under the directory, skipping other files and excluded directories', async () => {
    const repo = await server.createRepo('read', {
      'fab/a.yaml': 'a: 1\n',
      'fab/sub/b.yml': 'b: 1\n',
      'fab/README.md': '# not yaml\n',
      'fab/other-fabric/c.yaml': 'c: 1\n',
      'fab/other-fabric/deeper/d.yaml': 'd: 1\n',
      'fab-sibling/e.yaml': 'e: 1\n',
      'root.yaml': 'r: 1\n',
    });
    const { commit } = await source.fetch(access(repo), 'main');
    const files = await collect(
      source.readManifestFiles(access(repo), commit, '/fab/', { excludeDirs: ['./fab/other-fabric/'] }),
    );
    expect(files).toEqual({ 'fab/a.yaml': 'a: 1\n', 'fab/sub/b.yml': 'b: 1\n' });
    const all = await collect(source.readManifestFiles(access(repo), commit, ''));
    expect(Object.keys(all).sort()).toEqual([
      'fab-sibling/e.yaml',
      'fab/a.yaml',
      'fab/other-fabric/c.yaml',
      'fab/other-fabric/deeper/d.yaml',
      'fab/sub/b.yml',
      'root.yaml',
    ]);
  });

  it('reads many files through one stream, in path order, with exact contents', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `many/f${String(i).padStart(3, '0')}.yaml`,
        `i: ${i}\n`.repeat(i),
      ]),
    );
    const repo = await server.createRepo('many', files);
    const { commit } = await source.fetch(access(repo), 'main');
    const read = await collect(source.readManifestFiles(access(repo), commit, 'many'));
    expect(read).toEqual(files);
  });

  it('reassembles a multi-megabyte file that arrives in many chunks', async () => {
    const big = Array.from({ length: 60_000 }, (_, i) => `k${i}: ${'v'.repeat(i % 70)}\n`).join('');
    const repo = await server.createRepo('chunks', { 'c/big.yaml': big, 'c/small.yaml': 's: 1\n' });
    const { commit } = await source.fetch(access(repo), 'main');
    const files = await collect(source.readManifestFiles(access(repo), commit, 'c'));
    expect(files['c/big.yaml']?.length).toBe(big.length);
    expect(files['c/big.yaml'] === big).toBe(true);
    expect(files['c/small.yaml']).toBe('s: 1\n');
  });

  it('yields blob ids and reads only the files `include` accepts', async () => {
    const repo = await server.createRepo('include', { 'i/a.yaml': 'a: 1\n', 'i/b.yaml': 'b: 1\n' });
    const first = await source.fetch(access(repo), 'main');
    const before = new Map<string, string>();
    for await (const f of source.readManifestFiles(access(repo), first.commit, 'i'))
      before.set(f.path, f.oid);
    expect(before.size).toBe(2);
    await repo.push({ 'i/b.yaml': 'b: 2\n' }, 'change b');
    const { commit } = await source.fetch(access(repo), 'main');
    const changed = await collect(
      source.readManifestFiles(access(repo), commit, 'i', { include: (f) => before.get(f.path) !== f.oid }),
    );
    expect(changed).toEqual({ 'i/b.yaml': 'b: 2\n' });
  });

  it('stops cleanly when the reader stops early', async () => {
    const repo = await server.createRepo('early', {
      'e/a.yaml': 'a\n',
      'e/b.yaml': 'b\n',
      'e/c.yaml': 'c\n',
    });
    const { commit } = await source.fetch(access(repo), 'main');
    const seen: string[] = [];
    for await (const file of source.readManifestFiles(access(repo), commit, 'e')) {
      seen.push(file.path);
      break;
    }
    expect(seen).toEqual(['e/a.yaml']);
  });

  it('refuses symlinks that leave the directory and lists every one', async () => {
    const repo = await server.createRepo('links', {
      'fab/ok.yaml': 'ok: 1\n',
      'fab/inside.yaml': { symlink: 'ok.yaml' },
      'fab/up.yaml': { symlink: '../secrets/creds.yaml' },
      'fab/abs.yaml': { symlink: '/etc/passwd' },
      'secrets/creds.yaml': 'password: x\n',
    });
    const { commit } = await source.fetch(access(repo), 'main');
    const error = await collect(source.readManifestFiles(access(repo), commit, 'fab')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SourceFileError);
    expect((error as SourceFileError).problems.map((p) => p.file).sort()).toEqual([
      'fab/abs.yaml',
      'fab/up.yaml',
    ]);
    expect((error as Error).message).toContain('leaves the fabric directory');
  });

  it('reads a directory whose symlinks stay inside, skipping the links themselves', async () => {
    const repo = await server.createRepo('inner-links', {
      'fab/ok.yaml': 'ok: 1\n',
      'fab/alias.yaml': { symlink: './ok.yaml' },
    });
    const { commit } = await source.fetch(access(repo), 'main');
    expect(await collect(source.readManifestFiles(access(repo), commit, 'fab'))).toEqual({
      'fab/ok.yaml': 'ok: 1\n',
    });
  });

  it('refuses files over maxFileBytes and more files than maxFiles before reading any', async () => {
    const repo = await server.createRepo('big', {
      'fab/small.yaml': 'a: 1\n',
      'fab/huge.yaml': 'x'.repeat(5000),
    });
    const { commit } = await source.fetch(access(repo), 'main');
    const big = await collect(
      source.readManifestFiles(access(repo), commit, 'fab', { maxFileBytes: 4096 }),
    ).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(SourceFileError);
    expect((big as SourceFileError).problems).toEqual([
      { file: 'fab/huge.yaml', message: 'is 5000 bytes; the limit is 4096 bytes' },
    ]);
    const many = await collect(source.readManifestFiles(access(repo), commit, 'fab', { maxFiles: 1 })).catch(
      (e: unknown) => e,
    );
    expect((many as Error).message).toContain('the limit is 1');
  });

  it('refuses a directory that escapes the repository', async () => {
    const repo = await server.createRepo('escape', { 'a.yaml': 'a\n' });
    const { commit } = await source.fetch(access(repo), 'main');
    expect(() => source.readManifestFiles(access(repo), commit, '../outside')).toThrow(
      /leaves the repository/,
    );
  });
});

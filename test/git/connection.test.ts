import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { GitError, GitSource, type RepoAccess } from '../../src/git/index.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';

const ALLOWED = ['https', 'ssh', 'http', 'file'];
let server: GitServer;
let repo: TestRepo;
let cacheDir: string;
let source: GitSource;

const access = (url: string, auth: RepoAccess['auth'] = { kind: 'NONE' }): RepoAccess => ({
  id: 'repo-1',
  url,
  auth,
});
const basic = (username: string, secret: string) => ({ kind: 'BASIC', username, secret }) as const;

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = await startGitServer({
    users: [{ username: 'alice', password: 'wonderland' }],
    tokens: ['tok-123456'],
  });
  repo = await server.createRepo('fabrics', { 'east/vpcs.yaml': 'kind: VPC\n' });
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
  source = new GitSource({ cacheDir, allowedSchemes: ALLOWED, timeoutMs: 20_000 });
});

afterAll(async () => {
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('testConnection', () => {
  it('connects over HTTP with basic auth and reports the branch commit', async () => {
    const result = await source.testConnection(access(repo.httpUrl, basic('alice', 'wonderland')), 'main');
    expect(result).toMatchObject({ status: 'CONNECTED', commit: await repo.headCommit() });
  });

  it('connects with a token (any user name, the token as password)', async () => {
    const result = await source.testConnection(access(repo.httpUrl, { kind: 'TOKEN', secret: 'tok-123456' }));
    expect(result).toMatchObject({ status: 'CONNECTED', commit: await repo.headCommit() });
  });

  it('connects over file://', async () => {
    const result = await source.testConnection(access(repo.fileUrl), 'main');
    expect(result).toMatchObject({ status: 'CONNECTED', commit: await repo.headCommit() });
  });

  it('reports AUTH_FAILED for a wrong password, a wrong token and no credentials', async () => {
    for (const auth of [
      basic('alice', 'wrong'),
      { kind: 'TOKEN', secret: 'nope' } as const,
      { kind: 'NONE' } as const,
    ]) {
      const result = await source.testConnection(access(repo.httpUrl, auth), 'main');
      expect(result.status).toBe('AUTH_FAILED');
      expect(result.message).toMatch(/credentials were refused/);
    }
  });

  it('reports NOT_FOUND for an unknown repository, over HTTP and file://', async () => {
    const http = await source.testConnection(
      access(`${server.url}/missing.git`, basic('alice', 'wonderland')),
    );
    expect(http).toMatchObject({ status: 'NOT_FOUND' });
    expect(http.message).toMatch(/check the URL/);
    const file = await source.testConnection(access(`file://${server.root}/missing.git`));
    expect(file.status).toBe('NOT_FOUND');
  });

  it('reports NOT_FOUND for a branch that does not exist', async () => {
    const result = await source.testConnection(
      access(repo.httpUrl, basic('alice', 'wonderland')),
      'no-such-branch',
    );
    expect(result.status).toBe('NOT_FOUND');
    expect(result.message).toContain('no-such-branch');
  });

  it('reports UNREACHABLE for a port where nothing listens', async () => {
    const result = await source.testConnection(access(`http://127.0.0.1:${await closedPort()}/x.git`));
    expect(result.status).toBe('UNREACHABLE');
    expect(result.message).toMatch(/does not answer/);
  });

  it('kills git after the timeout when the server accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const impatient = new GitSource({ cacheDir, allowedSchemes: ALLOWED, timeoutMs: 1_500 });
    try {
      const result = await impatient.testConnection(access(`http://127.0.0.1:${port}/x.git`));
      expect(result).toEqual({
        status: 'UNREACHABLE',
        message: 'repository repo-1: git gave no answer within 1500 ms: check the URL, network and proxy',
      });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('fetch throws the same classification as a GitError', async () => {
    const error = await source
      .fetch(access(repo.httpUrl, basic('alice', 'wrong')), 'main')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).status).toBe('AUTH_FAILED');
  });
});

describe('checkUrl', () => {
  const strict = new GitSource({ cacheDir: '/nonexistent', allowedSchemes: ['https', 'ssh'] });
  const refused = (url: string, s = strict) => {
    try {
      s.checkUrl(url);
    } catch (err) {
      return err;
    }
    throw new Error(`${url} was accepted`);
  };

  it('accepts https, ssh and scp-like URLs under the default setting', () => {
    expect(strict.checkUrl('https://github.com/org/repo.git')).toBe('https');
    expect(strict.checkUrl('ssh://git@github.com/org/repo.git')).toBe('ssh');
    expect(strict.checkUrl('git@github.com:org/repo.git')).toBe('ssh');
  });

  it('refuses schemes outside the setting with BAD_USER_INPUT naming it', () => {
    for (const url of ['http://example.com/r.git', 'file:///srv/repo.git', 'git://example.com/r.git']) {
      const err = refused(url);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'url' } });
      expect((err as Error).message).toContain('FABRIC_SYNC_GIT_ALLOW_SCHEMES');
    }
  });

  it('always refuses transports that run commands, even when every scheme is allowed', () => {
    const lax = new GitSource({
      cacheDir: '/nonexistent',
      allowedSchemes: ['https', 'ssh', 'http', 'file', 'ext', 'fd'],
    });
    for (const url of ['ext::sh -c touch% /tmp/pwned', 'fd::17', 'ext::ssh -o ProxyCommand=x host']) {
      expect(refused(url, lax)).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('refuses credentials embedded in the URL, option-like URLs and plain paths', () => {
    for (const url of [
      'https://user:pw@github.com/r.git',
      'https://token@github.com/r.git',
      '--upload-pack=x',
      '/srv/repo',
    ]) {
      expect(refused(url)).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'url' } });
    }
  });

  it('testConnection refuses a disallowed URL before running git', async () => {
    await expect(strict.testConnection(access('ext::sh -c id'))).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});

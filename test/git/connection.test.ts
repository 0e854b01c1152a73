import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { GitError, GitSource, type GitRemoteSample, type RepoAccess } from '../../src/git/index.js';
import { git } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { freePort } from '../support/free-port.js';
import { startGitProxy } from '../support/git-proxy.js';

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
    const result = await source.testConnection(access(`http://127.0.0.1:${await freePort()}/x.git`));
    expect(result.status).toBe('UNREACHABLE');
    expect(result.message).toMatch(/does not answer/);
  });

  /** A server that accepts connections and never says a word. */
  async function withSilentServer(use: (port: number) => Promise<void>): Promise<void> {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await use((silent.address() as { port: number }).port);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }

  it('gives up on an HTTP server that accepts but never answers, after the timeout', async () => {
    const impatient = new GitSource({ cacheDir, allowedSchemes: ALLOWED, timeoutMs: 1_500 });
    await withSilentServer(async (port) => {
      const result = await impatient.testConnection(access(`http://127.0.0.1:${port}/x.git`));
      expect(result).toEqual({
        status: 'UNREACHABLE',
        message:
          'repository repo-1: the server gave no answer within 1500 ms: check the URL, network and proxy',
      });
    });
  });

  it('kills git after the timeout when an SSH server accepts but never answers', async () => {
    const impatient = new GitSource({ cacheDir, allowedSchemes: ALLOWED, timeoutMs: 1_500 });
    await withSilentServer(async (port) => {
      const result = await impatient.testConnection({
        ...access(`ssh://git@127.0.0.1:${port}/x.git`),
        insecureIgnoreHostKey: true,
      });
      expect(result).toEqual({
        status: 'UNREACHABLE',
        message: 'repository repo-1: git gave no answer within 1500 ms: check the URL, network and proxy',
      });
    });
  });

  it('fetch throws the same classification as a GitError', async () => {
    const error = await source
      .fetch(access(repo.httpUrl, basic('alice', 'wrong')), 'main')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).status).toBe('AUTH_FAILED');
  });
});

describe('the tip of an http(s) remote', () => {
  const path = () => new URL(repo.httpUrl).pathname;

  const refRequest = (credentials: 'with' | 'without') =>
    `GET ${path()}/info/refs?service=git-upload-pack ${credentials} credentials`;

  it('asks without credentials, sends them after the Basic challenge, all over one kept-alive connection', async () => {
    const proxy = await startGitProxy(server.url);
    try {
      const url = `${proxy.url}${path()}`;
      const expected = (
        await git(repo.workdir, [
          'ls-remote',
          repo.httpUrl.replace('://', '://alice:wonderland@'),
          'refs/heads/main',
        ])
      ).split('\t')[0];
      for (const branch of ['main', 'main']) {
        const result = await source.testConnection(access(url, basic('alice', 'wonderland')), branch);
        expect(result).toMatchObject({ status: 'CONNECTED', commit: expected });
      }
      const check = [refRequest('without'), refRequest('with')];
      expect(proxy.requests).toEqual([...check, ...check]);
      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('reports AUTH_FAILED itself, without asking git, for a refused password or no credentials', async () => {
    const proxy = await startGitProxy(server.url);
    try {
      const url = `${proxy.url}${path()}`;
      const wrong = await source.testConnection(access(url, basic('alice', 'wrong')), 'main');
      expect(wrong.status).toBe('AUTH_FAILED');
      expect(wrong.message).toMatch(/credentials were refused.*\(HTTP 401\)$/);
      expect(proxy.requests).toEqual([refRequest('without'), refRequest('with')]);
      proxy.requests.length = 0;
      const none = await source.testConnection(access(url), 'main');
      expect(none.status).toBe('AUTH_FAILED');
      expect(proxy.requests).toEqual([refRequest('without')]);
    } finally {
      await proxy.close();
    }
  });

  it('reads a public repository with stale stored credentials, as git does, and never sends them', async () => {
    const open = await startGitServer();
    try {
      const publicRepo = await open.createRepo('public', { 'a.yaml': 'a: 1\n' });
      const proxy = await startGitProxy(open.url);
      try {
        const url = `${proxy.url}${new URL(publicRepo.httpUrl).pathname}`;
        const result = await source.testConnection(access(url, basic('alice', 'stale-password')), 'main');
        expect(result).toMatchObject({ status: 'CONNECTED', commit: await publicRepo.headCommit() });
        expect(proxy.requests).toEqual([
          `GET /public.git/info/refs?service=git-upload-pack without credentials`,
        ]);
      } finally {
        await proxy.close();
      }
    } finally {
      await open.close();
    }
  });

  it('is left to git when the server challenges with a scheme other than Basic', async () => {
    const requests: string[] = [];
    const negotiating: Server = createHttpServer((req, res) => {
      requests.push(`${req.headers.authorization ? 'with' : 'without'} credentials`);
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
    });
    await new Promise<void>((resolve) => negotiating.listen(0, '127.0.0.1', resolve));
    try {
      const port = (negotiating.address() as { port: number }).port;
      const result = await source.testConnection(
        access(`http://127.0.0.1:${port}/kerberos.git`, basic('alice', 'wonderland')),
      );
      expect(result.status).toBe('AUTH_FAILED');
      expect(result.message).toMatch(/\(git: /);
      expect(requests[0]).toBe('without credentials');
      expect(requests.length).toBeGreaterThan(1);
    } finally {
      negotiating.closeAllConnections();
      await new Promise<void>((resolve) => negotiating.close(() => resolve()));
    }
  });

  it('follows HEAD when no branch is named', async () => {
    const result = await source.testConnection(access(repo.httpUrl, basic('alice', 'wonderland')));
    expect(result).toMatchObject({ status: 'CONNECTED', commit: await repo.headCommit() });
  });

  it('is left to git when the server redirects, and git follows the redirect', async () => {
    const proxy = await startGitProxy(server.url);
    proxy.answerWith('redirect');
    try {
      const result = await source.testConnection(
        access(`${proxy.url}${path()}`, basic('alice', 'wonderland')),
      );
      expect(result).toMatchObject({ status: 'CONNECTED', commit: await repo.headCommit() });
      // Ours, then git's own first request: both were redirected to the real server.
      expect(proxy.requests.length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  it('is left to git when the server answers with an ERR line, and git reports it', async () => {
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const refusing: Server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
      res.end(`${pkt('# service=git-upload-pack\n')}0000${pkt('ERR access denied: repository is locked\n')}`);
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const port = (refusing.address() as { port: number }).port;
      const result = await source.testConnection(access(`http://127.0.0.1:${port}/locked.git`));
      expect(result.status).toBe('AUTH_FAILED');
      expect(result.message).toMatch(/\(git: .*access denied: repository is locked/);
    } finally {
      refusing.closeAllConnections();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('is told to the metrics hook as ls-remote, with the outcome', async () => {
    const samples: GitRemoteSample[] = [];
    const observed = new GitSource({
      cacheDir,
      allowedSchemes: ALLOWED,
      onRemoteCall: (sample) => samples.push(sample),
    });
    await observed.testConnection(access(repo.httpUrl, basic('alice', 'wonderland')), 'main');
    await observed.testConnection(access(repo.httpUrl, basic('alice', 'wrong')), 'main');
    await observed.testConnection(access(`${server.url}/missing.git`, basic('alice', 'wonderland')), 'main');
    expect(samples.map(({ command, outcome }) => `${command} ${outcome}`)).toEqual([
      'ls-remote ok',
      'ls-remote AUTH_FAILED',
      'ls-remote NOT_FOUND',
    ]);
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

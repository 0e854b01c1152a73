import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource, type RepoAccess } from '../../src/git/index.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { startSshServer, type SshServer } from '../support/ssh-server.js';

let server: GitServer;
let sshd: SshServer;
let repo: TestRepo;
let cacheDir: string;

const source = (knownHostsFile?: string) =>
  new GitSource({ cacheDir, allowedSchemes: ['ssh'], timeoutMs: 20_000, knownHostsFile });

const access = (privateKey: string, insecureIgnoreHostKey = false): RepoAccess => ({
  id: 'ssh-repo',
  url: sshd.urlFor(join(server.root, 'over-ssh.git')),
  auth: { kind: 'SSH_KEY', privateKey },
  insecureIgnoreHostKey,
});

beforeAll(async () => {
  server = await startGitServer();
  sshd = await startSshServer();
  repo = await server.createRepo('over-ssh', { 'fab/a.yaml': 'a: 1\n' });
  cacheDir = await mkdtemp(join(tmpdir(), 'git-cache-'));
});

afterAll(async () => {
  await sshd?.close();
  await server?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('SSH with a private key', () => {
  it('connects and fetches when the host key is in known_hosts', async () => {
    const git = source(sshd.knownHostsFile);
    expect(await git.testConnection(access(sshd.clientKey), 'main')).toMatchObject({
      status: 'CONNECTED',
      commit: await repo.headCommit(),
    });
    expect((await git.fetch(access(sshd.clientKey), 'main')).commit).toBe(await repo.headCommit());
  });

  it('reports AUTH_FAILED for a key the server does not accept', async () => {
    const result = await source(sshd.knownHostsFile).testConnection(access(sshd.strangerKey), 'main');
    expect(result.status).toBe('AUTH_FAILED');
    expect(result.message).toMatch(/credentials were refused/);
  });

  it('refuses an unknown host key, unless host key checks are explicitly off for the repository', async () => {
    const strict = await source().testConnection(access(sshd.clientKey), 'main');
    expect(strict.status).toBe('AUTH_FAILED');
    expect(strict.message).toMatch(/host key/);
    const insecure = await source().testConnection(access(sshd.clientKey, true), 'main');
    expect(insecure.status).toBe('CONNECTED');
  });

  it('pushes a write-back over SSH', async () => {
    const git = source(sshd.knownHostsFile);
    const { commit: base } = await git.fetch(access(sshd.clientKey), 'main');
    const { commit } = await git.commitAndPush(access(sshd.clientKey), {
      branch: 'main',
      baseCommit: base,
      targetBranch: 'main',
      files: [{ path: 'fab/a.yaml', content: 'a: 2\n' }],
      message: 'over ssh',
      author: { name: 'Bot', email: 'bot@example.test' },
    });
    expect(await repo.headCommit()).toBe(commit);
  });
});

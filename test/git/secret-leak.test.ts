import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSource, type RepoAccess } from '../../src/git/index.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { startSshServer, type SshServer } from '../support/ssh-server.js';

const PASSWORD = 'S3cr3t-Basic-Pa55-7f1d';
const TOKEN = 'Tok3n-Leak-Canary-92ab';
let server: GitServer;
let sshd: SshServer;
let repo: TestRepo;
let root: string;
let cacheDir: string;
let source: GitSource;
const outputs: string[] = [];
const restore: (() => void)[] = [];

/** Records everything the process prints while the operations run. */
function captureOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream);
  stream.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    outputs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  };
  restore.push(() => (stream.write = write));
}

/** Each message a caller can see: result messages, error messages and error details. */
async function seen(operation: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await operation());
  } catch (err) {
    const e = err as Error & { details?: unknown; status?: string };
    return `${e.message} ${JSON.stringify(e.details ?? {})} ${String(e.stack)}`;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'leak-'));
  cacheDir = join(root, 'cache');
  server = await startGitServer({ users: [{ username: 'alice', password: PASSWORD }], tokens: [TOKEN] });
  sshd = await startSshServer();
  repo = await server.createRepo('leak', { 'fab/a.yaml': 'a: 1\n' });
  // From here on, every temporary file GitSource makes (askpass, key file, scratch objects) lands here, to be scanned.
  process.env['TMPDIR'] = join(root, 'tmp');
  await mkdir(process.env['TMPDIR']);
  source = new GitSource({
    cacheDir,
    allowedSchemes: ['http', 'ssh'],
    timeoutMs: 20_000,
    knownHostsFile: sshd.knownHostsFile,
  });
  captureOutput(process.stdout);
  captureOutput(process.stderr);
});

afterAll(async () => {
  restore.forEach((undo) => undo());
  await sshd?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('no secret leaves GitSource', () => {
  it('is not in any message, output, cache file or temporary file, whatever happens', async () => {
    const basic = (secret: string, username = 'alice'): RepoAccess => ({
      id: 'leak-basic',
      url: repo.httpUrl,
      auth: { kind: 'BASIC', username, secret },
    });
    const token: RepoAccess = { id: 'leak-token', url: repo.httpUrl, auth: { kind: 'TOKEN', secret: TOKEN } };
    const ssh: RepoAccess = {
      id: 'leak-ssh',
      url: sshd.urlFor(join(server.root, 'leak.git')),
      auth: { kind: 'SSH_KEY', privateKey: sshd.clientKey },
    };
    const { commit } = await source.fetch(token, 'main');
    const messages = [
      await seen(() => source.testConnection(basic(PASSWORD), 'main')),
      await seen(() => source.testConnection(basic(PASSWORD, 'mallory'))),
      await seen(() => source.testConnection(basic(TOKEN))),
      await seen(() => source.testConnection({ ...token, url: `${server.url}/missing.git` })),
      await seen(() => source.testConnection({ ...token, url: 'http://127.0.0.1:1/x.git' })),
      await seen(() =>
        source.testConnection({ ...token, url: `http://x-access-token:${TOKEN}@127.0.0.1/x.git` }),
      ),
      await seen(() => source.fetch(basic(PASSWORD), 'main')),
      await seen(() => source.fetch(basic(PASSWORD), 'no-such-branch')),
      await seen(() => source.fetch(ssh, 'main')),
      await seen(() =>
        source.fetch({ ...ssh, auth: { kind: 'SSH_KEY', privateKey: sshd.strangerKey } }, 'main'),
      ),
      await seen(() =>
        source.commitAndPush(token, {
          branch: 'main',
          baseCommit: commit,
          targetBranch: 'main',
          files: [{ path: 'fab/a.yaml', content: 'a: 2\n' }],
          message: 'write-back',
          author: { name: 'Bot', email: 'bot@example.test' },
        }),
      ),
      await seen(() =>
        source.commitAndPush(basic(PASSWORD), {
          branch: 'main',
          baseCommit: commit,
          targetBranch: 'main',
          files: [{ path: 'fab/a.yaml', content: 'a: 3\n' }],
          message: 'conflicting write-back',
          author: { name: 'Bot', email: 'bot@example.test' },
        }),
      ),
    ];
    expect(messages.join('\n')).toMatch(/CONNECTED/);
    expect(messages.join('\n')).toMatch(/AUTH_FAILED/);
    expect(messages.join('\n')).toMatch(/moved to/);

    const keyLines = sshd.clientKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    // The Authorization header's value: base64 of each user:password pair sent above.
    const logins = ['alice:' + PASSWORD, 'mallory:' + PASSWORD, 'alice:' + TOKEN, 'x-access-token:' + TOKEN];
    const headers = logins.map((login) => Buffer.from(login).toString('base64'));
    const secrets = [PASSWORD, TOKEN, ...headers, ...keyLines];
    const files = [...(await filesUnder(cacheDir)), ...(await filesUnder(process.env['TMPDIR']!))];
    expect(files.some((f) => f.endsWith('config'))).toBe(true);
    const contents = await Promise.all(
      files.map(async (f) => ({ f, text: (await readFile(f)).toString('latin1') })),
    );
    for (const secret of secrets) {
      for (const text of [...messages, ...outputs]) expect(text).not.toContain(secret);
      for (const { f, text } of contents)
        expect(text.includes(secret), `${secret.slice(0, 6)}… in ${f}`).toBe(false);
    }
    const leftovers = await readdir(process.env['TMPDIR']!);
    expect(leftovers.filter((d) => d.startsWith('fabric-sync-'))).toEqual([]);
  });
});

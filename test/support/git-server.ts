/**
 * Real Git repositories for tests: bare repositories served over HTTP by Debian's
 * `git http-backend` (run as CGI from a Node http server, with basic or token auth, pushes
 * enabled), and reachable over file:// too. Each repository has a work tree that tests push from.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git, testGitEnv } from './git-cli.js';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** A file's content; null deletes it; `{ symlink }` makes a symbolic link to that target. */
export type FileSpec = string | null | { readonly symlink: string };
export type FileMap = Readonly<Record<string, FileSpec>>;

export interface ServerOptions {
  /** Accounts for basic auth. */
  readonly users?: readonly { readonly username: string; readonly password: string }[];
  /** Tokens accepted as the password of any username. */
  readonly tokens?: readonly string[];
}

export interface PushOptions {
  readonly branch?: string;
  /** Build on this commit instead of the branch's tip (with force: rewrite history). */
  readonly parent?: string;
  readonly force?: boolean;
}

export interface TestRepo {
  readonly name: string;
  readonly httpUrl: string;
  readonly fileUrl: string;
  /** A clone the test pushes from. */
  readonly workdir: string;
  readonly defaultBranch: string;
  /** Writes files (null deletes), commits and pushes; returns the new commit. */
  push(files: FileMap, message: string, options?: PushOptions): Promise<string>;
  headCommit(branch?: string): Promise<string>;
  /** Moves a branch to an older commit, as a force push by someone else would. */
  resetBranch(branch: string, commit: string): Promise<void>;
  /** Every file of the branch's tip, path → content. */
  readFile(path: string, branch?: string): Promise<string>;
}

export interface GitServer {
  readonly url: string;
  readonly root: string;
  createRepo(name: string, files: FileMap, options?: { branch?: string }): Promise<TestRepo>;
  close(): Promise<void>;
}

export async function startGitServer({ users = [], tokens = [] }: ServerOptions = {}): Promise<GitServer> {
  const base = await mkdtemp(join(tmpdir(), 'git-server-'));
  const root = join(base, 'repos');
  await mkdir(root);
  const authorize = authorizer(users, tokens);
  const server = createServer((req, res) => {
    const user = authorize(req.headers.authorization);
    if (user === undefined) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('authentication required\n');
      return;
    }
    serveCgi(root, user, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    root,
    createRepo: (name, files, options) => createRepo({ base, root, url }, name, files, options),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Returns the user name for valid credentials ('anonymous' when the server has no accounts), undefined otherwise. */
function authorizer(users: ServerOptions['users'] & object, tokens: readonly string[]) {
  return (header: string | undefined): string | undefined => {
    if (users.length === 0 && tokens.length === 0) return 'anonymous';
    const match = /^Basic (.+)$/i.exec(header ?? '');
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const ok =
      users.some((u) => u.username === username && u.password === password) || tokens.includes(password);
    return ok ? username : undefined;
  };
}

function serveCgi(root: string, user: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const cgi = spawn(HTTP_BACKEND, [], {
    env: {
      ...testGitEnv(),
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
    },
  });
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => res.destroy());
  cgi.on('error', (err) => res.writeHead(500).end(`git http-backend failed to start: ${err.message}\n`));
  relayCgiResponse(cgi.stdout, res);
}

/** A CGI response is headers (with `Status:`), a blank line, then the body. */
function relayCgiResponse(stdout: NodeJS.ReadableStream, res: ServerResponse): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    stdout.off('data', onData);
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const [key, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
    stdout.pipe(res);
  };
  stdout.on('data', onData);
  stdout.on('end', () => {
    if (!res.headersSent) res.writeHead(502).end('git http-backend sent no response\n');
  });
}

interface Place {
  readonly base: string;
  readonly root: string;
  readonly url: string;
}

async function createRepo(
  place: Place,
  name: string,
  files: FileMap,
  { branch = 'main' } = {},
): Promise<TestRepo> {
  const bare = join(place.root, `${name}.git`);
  const workdir = join(place.base, 'work', name);
  await mkdir(workdir, { recursive: true });
  await git(place.root, ['init', '-q', '--bare', '-b', branch, bare]);
  await git(bare, ['config', 'http.receivepack', 'true']);
  await git(workdir, ['init', '-q', '-b', branch]);
  await git(workdir, ['remote', 'add', 'origin', bare]);
  const repo: TestRepo = {
    name,
    httpUrl: `${place.url}/${name}.git`,
    fileUrl: `file://${bare}`,
    workdir,
    defaultBranch: branch,
    push: (changes, message, options) => pushChanges(workdir, branch, changes, message, options),
    headCommit: async (b = branch) => (await git(bare, ['rev-parse', `refs/heads/${b}`])).trim(),
    resetBranch: async (b, commit) => void (await git(bare, ['update-ref', `refs/heads/${b}`, commit])),
    readFile: (path, b = branch) => git(bare, ['show', `refs/heads/${b}:${path}`]),
  };
  await repo.push(files, 'initial commit', { branch });
  return repo;
}

async function pushChanges(
  workdir: string,
  defaultBranch: string,
  files: FileMap,
  message: string,
  { branch = defaultBranch, parent, force = false }: PushOptions = {},
): Promise<string> {
  await git(workdir, ['fetch', '-q', 'origin']);
  const remoteTip = (await git(workdir, ['ls-remote', 'origin', `refs/heads/${branch}`])).split('\t')[0];
  const start = parent ?? (remoteTip ? `origin/${branch}` : undefined);
  if (start) await git(workdir, ['checkout', '-q', '--detach', start]);
  await writeFiles(workdir, files);
  await git(workdir, ['add', '-A']);
  await git(workdir, ['commit', '-q', '--allow-empty', '-m', message]);
  await git(workdir, ['push', '-q', ...(force ? ['--force'] : []), 'origin', `HEAD:refs/heads/${branch}`]);
  return (await git(workdir, ['rev-parse', 'HEAD'])).trim();
}

async function writeFiles(workdir: string, files: FileMap): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    const target = join(workdir, path);
    await rm(target, { force: true });
    if (spec === null) continue;
    await mkdir(dirname(target), { recursive: true });
    if (typeof spec === 'string') await writeFile(target, spec);
    else await symlink(spec.symlink, target);
  }
}

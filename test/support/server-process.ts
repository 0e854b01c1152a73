/**
 * fabric-sync as a server process of its own (`node --import tsx src/main.ts`, or the production
 * build as deployed): for a SIGKILL and restart, replicas sharing one database, the production
 * build's test, and benchmarks whose clients must not share the server's event loop. Restarts and
 * replicas on one database need the same secret keys and admin token, so the caller keeps the identity.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postGraphQL, type GraphQLResult } from './app.js';
import { freePort } from './free-port.js';

export interface ServerIdentity {
  readonly databaseUrl: string;
  readonly secretKeys: string;
  readonly adminToken: string;
}

export const newIdentity = (databaseUrl: string): ServerIdentity => ({
  databaseUrl,
  secretKeys: randomBytes(32).toString('hex'),
  adminToken: `fst_e2e_${randomBytes(16).toString('hex')}`,
});

export interface ServerProcess {
  readonly url: string;
  readonly process: ChildProcess;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
  /** SIGTERM (a clean shutdown) or SIGKILL (a crash); resolves when the process has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** The TypeScript sources through tsx; `[...SERVER_NODE_FLAGS, 'dist/main.js']` runs the production build. */
const SOURCE_ENTRY: readonly string[] = ['--import', 'tsx', 'src/main.ts'];

/**
 * `env` adds to or overrides the process's settings (e.g. REDIS_URL for replicas); `nodeArgs` are
 * node's arguments, from the project root.
 */
export async function startServerProcess(
  identity: ServerIdentity,
  env: Readonly<Record<string, string>> = {},
  nodeArgs: readonly string[] = SOURCE_ENTRY,
): Promise<ServerProcess> {
  const [port, dataDir] = await Promise.all([freePort(), mkdtemp(path.join(tmpdir(), 'e2e-server-'))]);
  const child = spawn(process.execPath, nodeArgs, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: identity.databaseUrl,
      FABRIC_SYNC_DATA_DIR: dataDir,
      FABRIC_SYNC_SECRET_KEYS: identity.secretKeys,
      FABRIC_SYNC_ADMIN_TOKEN: identity.adminToken,
      FABRIC_SYNC_GIT_ALLOW_SCHEMES: 'http',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  const ready = () =>
    fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (Date.now() > deadline) throw new Error('server not ready after 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    process: child,
    gql: <T>(query: string, variables: Record<string, unknown> = {}) =>
      postGraphQL<T>(url, query, variables, identity.adminToken),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

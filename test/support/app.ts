/**
 * The whole server, started in-process on a fresh database and a free port, with every log line
 * captured, plus a small GraphQL client for tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { startApp, type App } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface GraphQLResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly data?: T;
  readonly errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string } }[];
}

export interface TestApp {
  readonly app: App;
  readonly url: string;
  readonly adminToken: string;
  readonly db: TestDatabase;
  /** FABRIC_SYNC_DATA_DIR: the embedded database (when used), Git caches, key file. */
  readonly dataDir: string;
  /** Every log line written so far. */
  readonly logs: string[];
  /** Every SQL statement the server ran since the last reset. */
  readonly queries: string[];
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: Record<string, string>;
  /** Reuse this database (a restart); it is then left open on close. */
  readonly db?: TestDatabase;
}

export async function startTestApp({ env = {}, db: reused }: TestAppOptions = {}): Promise<TestApp> {
  const db = reused ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'fabric-sync-test-'));
  const adminToken = `fst_test_admin_${Math.random().toString(36).slice(2)}_${'x'.repeat(20)}`;
  const logs: string[] = [];
  const queries: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    FABRIC_SYNC_DATA_DIR: dataDir,
    FABRIC_SYNC_ADMIN_TOKEN: adminToken,
    FABRIC_SYNC_GIT_ALLOW_SCHEMES: 'https,ssh,http,file',
    LOG_LEVEL: 'debug',
    // Tests write through their own connection and read over HTTP at once; a cached response would
    // make them race PostgreSQL's notification. test/api/response-cache.test.ts turns it on.
    FABRIC_SYNC_RESPONSE_CACHE_MB: '0',
    ...env,
  });
  const app = await startApp(config, { logDestination, onQuery: (sql) => queries.push(sql) });
  return {
    app,
    url: app.url,
    adminToken,
    db,
    dataDir,
    logs,
    queries,
    gql: <T>(query: string, variables: Record<string, unknown> = {}, token: string | null = adminToken) =>
      postGraphQL<T>(app.url, query, variables, token),
    async close() {
      await app.close();
      if (!reused) await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One GraphQL request over HTTP POST to the server at `baseUrl`, as `token` (null: none). */
export async function postGraphQL<T>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<GraphQLResult<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, 'status'>) };
}

/** The data of a result that must have succeeded; fails the test with the errors otherwise. */
export function dataOf<T>(result: GraphQLResult<T>): T {
  if (result.errors?.length || !result.data)
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

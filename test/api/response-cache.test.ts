/**
 * The response cache (src/api/response-cache.ts) against a PostgreSQL server: a repeated query skips
 * the database, and every way data can change — this replica's mutation, another replica's write,
 * the notification connection dying — is seen by the next request that could observe it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataChangeFeed } from '../../src/store/data-changes.js';
import { createOrm } from '../../src/store/orm.js';
import { dataOf, postGraphQL, startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { startPostgresProxy } from '../support/postgres-proxy.js';
import { wsClient } from '../support/subscriptions.js';

const LIST = '{ fabrics(first: 20) { totalCount nodes { name description } } }';
type List = { fabrics: { totalCount: number; nodes: { name: string; description: string | null }[] } };

/** Statements on application tables (the token check and lock keep-alives are not what is cached). */
const dataStatements = (app: TestApp) => app.queries.filter((sql) => /from "fabric"/.test(sql));

describe('the response cache on a PostgreSQL server', () => {
  let t: TestApp;
  let fabricA: string;

  const list = async (token?: string) => dataOf(await t.gql<List>(LIST, {}, token ?? t.adminToken));
  /**
   * Until a repeated admin list is answered without reading the database: a notification of earlier
   * writes may still be on its way and empty the cache once more. Resolves with that cached answer.
   */
  const untilListCached = () =>
    vi.waitFor(
      async () => {
        const first = await list();
        t.queries.length = 0;
        const second = await list();
        expect(second).toEqual(first);
        expect(dataStatements(t)).toEqual([]);
        return second;
      },
      { timeout: 5000, interval: 20 },
    );
  const describeA = (text: string) =>
    t.db.orm.em.getConnection().execute(`update fabric set description = '${text}' where name = 'cache-a'`);

  beforeAll(async () => {
    t = await startTestApp({ env: { FABRIC_SYNC_RESPONSE_CACHE_MB: '8' } });
    const created = await Promise.all(
      ['cache-a', 'cache-b'].map((name) =>
        t.gql<{ createFabric: { id: string } }>(
          `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
          { i: { name } },
        ),
      ),
    );
    fabricA = dataOf(created[0]!).createFabric.id;
  });
  afterAll(() => t?.close());

  it('answers a repeated query without reading the database, with the same body', async () => {
    await untilListCached();
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^fabric_sync_response_cache_lookups_total\{outcome="hit"\} [1-9]/m);
    expect(metrics).toMatch(/^fabric_sync_response_cache_entries [1-9]/m);
    expect(metrics).toMatch(/^fabric_sync_response_cache_bytes [1-9]/m);
  });

  it('shows a write made through another connection (another replica) once PostgreSQL notifies', async () => {
    await list();
    await describeA('written elsewhere');
    await vi.waitFor(
      async () => {
        const { fabrics } = await list();
        expect(fabrics.nodes.find((f) => f.name === 'cache-a')?.description).toBe('written elsewhere');
      },
      { timeout: 5000, interval: 20 },
    );
  });

  /** Runs `body` with the fabric table's notifications off, so only the replica's own hook can invalidate. */
  const withoutNotifications = async (body: () => Promise<void>) => {
    const sql = t.db.orm.em.getConnection();
    await sql.execute('alter table fabric disable trigger fabric_data_changed');
    try {
      await body();
    } finally {
      await sql.execute('alter table fabric enable trigger fabric_data_changed');
    }
  };
  const descriptionOfA = async () =>
    (await list()).fabrics.nodes.find((f) => f.name === 'cache-a')?.description;
  const UPDATE_A = `mutation($id: ID!, $d: String!) { updateFabric(id: $id, input: { description: $d }) { id } }`;

  it("shows this replica's mutation over HTTP to the very next query, before any notification", () =>
    withoutNotifications(async () => {
      await list();
      dataOf(await t.gql(UPDATE_A, { id: fabricA, d: 'by HTTP mutation' }));
      expect(await descriptionOfA()).toBe('by HTTP mutation');
    }));

  it("shows this replica's mutation over WebSocket to the very next query, before any notification", () =>
    withoutNotifications(async () => {
      await list();
      const client = wsClient(t.url, t.adminToken);
      try {
        await new Promise<void>((resolve, reject) =>
          client.subscribe(
            { query: UPDATE_A, variables: { id: fabricA, d: 'by WebSocket mutation' } },
            { next: () => undefined, error: reject, complete: resolve },
          ),
        );
      } finally {
        await client.dispose();
      }
      expect(await descriptionOfA()).toBe('by WebSocket mutation');
    }));

  it('control: with the trigger off, a write through another connection is not seen, so the two tests above pass through the mutation hooks alone', () =>
    withoutNotifications(async () => {
      await list();
      await describeA('unannounced');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await descriptionOfA()).not.toBe('unannounced');
    }));

  it('never hands one token the response kept for another', async () => {
    const { createApiToken } = dataOf(
      await t.gql<{ createApiToken: { token: string } }>(
        `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
        { i: { name: 'viewer-of-a', grants: [{ role: 'VIEWER', fabricId: fabricA }] } },
      ),
    );
    expect((await untilListCached()).fabrics.totalCount).toBe(2);
    const seen = await list(createApiToken.token);
    expect(seen.fabrics.nodes.map((f) => f.name)).toEqual(['cache-a']);
    expect(dataStatements(t).length).toBeGreaterThan(0); // the viewer's own execution, not the admin's entry
  });

  it('keeps neither failed queries nor answers to a different Accept header', async () => {
    const failing = '{ fabric(name: "cache-a") { id } records(fabricId: "not-an-id") { totalCount } }';
    for (let i = 0; i < 2; i++) {
      t.queries.length = 0;
      const result = await t.gql(failing);
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(dataStatements(t).length).toBeGreaterThan(0);
    }
    await untilListCached();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${t.adminToken}`,
      },
      body: JSON.stringify({ query: LIST, variables: {} }),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  });

  it('serves nothing from the cache while the notification connection is down, and resumes after', async () => {
    const sql = t.db.orm.em.getConnection();
    const listener = async () =>
      (
        await sql.execute<{ pid: number }[]>(
          `select pid from pg_stat_activity where datname = current_database() and query like 'listen fabric_sync%'`,
        )
      )[0]?.pid;
    const pid = await listener();
    expect(pid).toBeTypeOf('number');
    await list();
    await sql.execute(`select pg_terminate_backend(${pid})`);
    // Once the loss is noticed, identical queries read the database every time...
    await vi.waitFor(
      async () => {
        await list();
        t.queries.length = 0;
        await list();
        expect(dataStatements(t).length).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 20 },
    );
    // ...so a write nobody is told about is seen at once (the feed retries after a second).
    expect(await listener()).toBeUndefined();
    await describeA('while deaf');
    expect((await list()).fabrics.nodes.find((f) => f.name === 'cache-a')?.description).toBe('while deaf');
    // The feed listens again on a new session and the cache is used again.
    await vi.waitFor(async () => expect(await listener()).not.toBe(pid), { timeout: 5000, interval: 50 });
    await vi.waitFor(
      async () => {
        await list();
        t.queries.length = 0;
        await list();
        expect(dataStatements(t)).toEqual([]);
      },
      { timeout: 5000, interval: 20 },
    );
    await describeA('after resuming');
    await vi.waitFor(
      async () =>
        expect((await list()).fabrics.nodes.find((f) => f.name === 'cache-a')?.description).toBe(
          'after resuming',
        ),
      { timeout: 5000, interval: 20 },
    );
  });

  it('requests without a valid token are refused before any lookup', async () => {
    await list();
    expect((await postGraphQL(t.url, LIST, {}, 'fst_not_a_token_000000000000000000000')).status).toBe(401);
  });
});

describe('the migrations', () => {
  it('make every application table notify on writes (a new table without it would be cached stale)', async () => {
    const db = await createTestDatabase();
    try {
      const sql = db.orm.em.getConnection();
      const tables = await sql.execute<{ name: string }[]>(
        `select tablename as name from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations'`,
      );
      const notifying = await sql.execute<{ name: string }[]>(
        `select distinct c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
           join pg_proc p on p.oid = t.tgfoid where p.proname = 'fabric_sync_notify_data_changed'`,
      );
      expect(tables.length).toBeGreaterThan(5);
      expect(notifying.map((t) => t.name).sort()).toEqual(tables.map((t) => t.name).sort());
    } finally {
      await db.close();
    }
  });
});

describe('a database that accepts LISTEN but delivers nothing (a pooler in transaction mode)', () => {
  it('leaves the feed off instead of reporting that it listens', async () => {
    const db = await createTestDatabase();
    const pooler = await startPostgresProxy(db.url, { dropNotifications: true });
    const orm = await createOrm({ clientUrl: pooler.url, poolSize: 2 });
    const heard: boolean[] = [];
    const errors: string[] = [];
    const feed = new DataChangeFeed(
      orm,
      { changed: () => undefined, listening: (on) => heard.push(on) },
      { onError: (err) => errors.push(String(err)) },
    );
    try {
      await feed.start();
      expect(heard).not.toContain(true);
      expect(errors.join('\n')).toMatch(/do not arrive/);
    } finally {
      await feed.close();
      await orm.close(true);
      await pooler.close();
      await db.close();
    }
  });
});

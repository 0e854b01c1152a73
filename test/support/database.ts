/**
 * A fresh, migrated database per test file: a new database on the PostgreSQL of DATABASE_URL when set
 * (CI uses the machine's server), else an in-memory embedded PostgreSQL, so `npm test` runs anywhere.
 */
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres } from '../../src/store/embedded-postgres.js';
import { createOrm } from '../../src/store/orm.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export interface TestDatabase {
  readonly url: string;
  readonly orm: MikroORM;
  /** Every SQL statement run through `orm` since the last `resetQueryLog()`. */
  readonly queries: string[];
  resetQueryLog(): void;
  close(): Promise<void>;
}

async function createServerDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await createOrm({ clientUrl: serverUrl, poolSize: 1 });
  await admin.em.getConnection().execute(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
      await admin.close(true);
    },
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env['DATABASE_URL'];
  const target = serverUrl
    ? await createServerDatabase(serverUrl)
    : await startEmbeddedPostgres({ maxConnections: 12 }).then((pg) => ({
        url: pg.url,
        drop: () => pg.stop(),
      }));
  const queries: string[] = [];
  const orm = await createOrm({ clientUrl: target.url, poolSize: 10, onQuery: (sql) => queries.push(sql) });
  await migrateToLatest(orm);
  queries.length = 0;
  return {
    url: target.url,
    orm,
    queries,
    resetQueryLog: () => void (queries.length = 0),
    async close() {
      await orm.close(true);
      await target.drop();
    },
  };
}

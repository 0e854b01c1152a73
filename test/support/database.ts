/**
 * A fresh, migrated database per test file, created on the run's PostgreSQL server (DATABASE_URL's,
 * or the embedded one: see database-server.ts). Outside Vitest (the benches) each database gets a
 * server of its own the same way.
 */
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startDatabaseServer } from './database-server.js';
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

async function databaseServer(): Promise<{ url: string; stop(): Promise<void> }> {
  if (!process.env['VITEST']) return startDatabaseServer();
  const { inject } = await import('vitest');
  return { url: inject('databaseServerUrl'), stop: async () => {} };
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
  const server = await databaseServer();
  const target = await createServerDatabase(server.url);
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
      await server.stop();
    },
  };
}

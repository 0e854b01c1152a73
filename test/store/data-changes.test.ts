/**
 * The data change feed against a PostgreSQL server, through a TCP proxy that can freeze the
 * listening connection without closing it: the way a dropped NAT mapping or a failover looks to a
 * client that sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DataChangeFeed } from '../../src/store/data-changes.js';
import { createOrm } from '../../src/store/orm.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startPostgresProxy, type PostgresProxy } from '../support/postgres-proxy.js';

describe('the data change feed', () => {
  let db: TestDatabase;
  let proxy: PostgresProxy;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startPostgresProxy(db.url);
    orm = await createOrm({ clientUrl: proxy.url, poolSize: 4 });
  });
  afterAll(async () => {
    await orm?.close(true);
    await proxy?.close();
    await db?.close();
  });

  it('hears writes, notices a listening connection that went silent, and listens again', async () => {
    const heard: boolean[] = [];
    let changes = 0;
    const feed = new DataChangeFeed(
      orm,
      { changed: () => changes++, listening: (on) => heard.push(on) },
      { heartbeatMs: 100, retryMs: 100 },
    );
    const write = () => db.orm.em.getConnection().execute(`update fabric set description = 'x' where false`);
    try {
      await feed.start();
      expect(heard).toEqual([true]);
      await write();
      await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0);

      expect(proxy.freezeListener()).toBe(1);
      await expect.poll(() => heard, { timeout: 10_000 }).toEqual([true, false, true]);
      const before = changes;
      await write();
      await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(before);
    } finally {
      await feed.close();
    }
  });
});

/**
 * The data change feed against a PostgreSQL server, through a TCP proxy that can freeze the
 * listening connection without closing it: the way a dropped NAT mapping or a failover looks to a
 * client that sends nothing.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DataChangeFeed } from '../../src/store/data-changes.js';
import { createOrm } from '../../src/store/orm.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Forwards to PostgreSQL; remembers which client connection sent LISTEN, and can freeze it. */
async function freezingProxy(target: URL) {
  const pairs: { client: Socket; upstream: Socket; listens: boolean }[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream, listens: false };
    pairs.push(pair);
    client.on('data', (chunk) => {
      if (chunk.includes('listen fabric_sync_data_changed')) pair.listens = true;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    /** Stops forwarding on the listening connection; neither side is told. */
    freezeListener() {
      const frozen = pairs.filter((p) => p.listens);
      for (const { client, upstream } of frozen) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      return frozen.length;
    },
    async close() {
      pairs.forEach(({ client, upstream }) => (client.destroy(), upstream.destroy()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!process.env['DATABASE_URL'])('the data change feed', () => {
  let db: TestDatabase;
  let proxy: Awaited<ReturnType<typeof freezingProxy>>;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await freezingProxy(new URL(db.url));
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

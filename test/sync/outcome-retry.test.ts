/**
 * An operation's outcome is stored even when the pooled connection it is handed has just died (a
 * failover, a killed backend): the write is retried on a fresh one. Before, the outcome was lost and
 * the operation stayed RUNNING until the sweep failed it as "the process … stopped".
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../src/events/index.js';
import { Fabric, Operation } from '../../src/store/entities/index.js';
import { createOrm } from '../../src/store/orm.js';
import { takeOperationEpoch } from '../../src/sync/operation-fence.js';
import { OperationHandle } from '../../src/sync/operation-handle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startPostgresProxy, type PostgresProxy } from '../support/postgres-proxy.js';

describe('recording an outcome after the connection died', () => {
  let db: TestDatabase;
  let proxy: PostgresProxy;
  let replicaOrm: MikroORM;
  let events: InProcessBus;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startPostgresProxy(db.url);
    replicaOrm = await createOrm({ clientUrl: proxy.url, poolSize: 1 });
    events = new InProcessBus();
  }, 60_000);
  afterAll(async () => {
    await events?.close();
    await replicaOrm?.close(true);
    await proxy?.close();
    await db?.close();
  });

  it('retries the outcome write on a fresh connection', async () => {
    const em = db.orm.em.fork();
    const fabricId = randomUUID();
    em.persist(Object.assign(new Fabric(), { id: fabricId, name: 'failover' }));
    const op = Object.assign(new Operation(), {
      id: randomUUID(),
      fabric: em.getReference(Fabric, fabricId, { wrapped: true }),
      type: 'APPLY' as const,
      status: 'RUNNING' as const,
      stages: [
        { name: 'APPLY', status: 'RUNNING', startedAt: null, finishedAt: null, counts: {}, message: null },
      ],
    });
    await em.persist(op).flush();
    const handle = new OperationHandle(op, replicaOrm, events, await takeOperationEpoch(db.orm, fabricId));
    await handle.heartbeat(); // the pool's one connection is open and idle

    expect(proxy.cutAll()).toBe(1);
    await handle.finish('FAILED', 'the cluster refused the token');

    const stored = await db.orm.em.fork().findOneOrFail(Operation, op.id);
    expect([stored.status, stored.message]).toEqual(['FAILED', 'the cluster refused the token']);
  });
});

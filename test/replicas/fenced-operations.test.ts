/**
 * Two replicas (an OperationService each, with its own connection pool and cluster clients) on one
 * database. The PostgreSQL backend holding the fabric's operation lock is killed in the middle of an
 * APPLY: the other replica takes the lock and applies, and the first must stop at once — no more
 * cluster writes, an end FAILED that says it lost the lock, never SUCCEEDED over that, nothing left
 * RUNNING. Before fencing, both applied at once and the first wrote SUCCEEDED over FAILED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClients } from '../../src/cluster/index.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Operation } from '../../src/store/entities/index.js';
import { LiveStateStore } from '../../src/store/live-state-store.js';
import { createOrm } from '../../src/store/orm.js';
import { applyPipeline } from '../../src/sync/apply/pipeline.js';
import { OperationService } from '../../src/sync/operation-service.js';
import { generateFabric } from '../support/fixtures/index.js';
import { FAST_RETRY, startSyncHarness, type SyncHarness } from '../sync/harness.js';

const manifests = generateFabric({ seed: 17, leafPairs: 1, serversPerPair: 4, vpcs: 2 });
/** Per request, with two in flight per replica: the APPLY stage takes seconds. */
const LATENCY_MS = 150;

interface Replica {
  readonly operations: OperationService;
  /** When each successful apply request started and ended (ms since the epoch). */
  readonly applies: { readonly start: number; readonly end: number }[];
  close(): void;
}

describe('an operation whose fabric lock is lost', () => {
  let h: SyncHarness;
  let secondOrm: MikroORM;
  let a: Replica;
  let b: Replica;

  function replica(orm: MikroORM): Replica {
    const applies: { start: number; end: number }[] = [];
    const clusters = new ClusterClients({
      retry: FAST_RETRY,
      timeoutMs: 10_000,
      concurrency: 2,
      onRequest: ({ verb, outcome, seconds }) => {
        if (verb === 'apply' && outcome === 'ok')
          applies.push({ start: Date.now() - seconds * 1000, end: Date.now() });
      },
    });
    const deps = { ...h.deps, orm, clusters, liveState: new LiveStateStore(orm) };
    const operations = new OperationService({
      orm,
      events: h.events,
      locks: new AdvisoryLocks(orm),
      log: pino({ level: 'silent' }),
      redactor: h.deps.vault.redactor,
      pipelines: { APPLY: applyPipeline(deps) },
    });
    return { operations, applies, close: () => clusters.close() };
  }

  beforeAll(async () => {
    h = await startSyncHarness();
    secondOrm = await createOrm({ clientUrl: h.db.url, poolSize: 10 });
    a = replica(h.db.orm);
    b = replica(secondOrm);
  }, 60_000);
  afterAll(async () => {
    a?.close();
    b?.close();
    await secondOrm?.close(true);
    await h?.close();
  });

  it('stops within a second, ends FAILED saying so, and only the new holder applies', async () => {
    const fabric = await h.createFabric({ name: 'fenced' });
    await h.seedRecords(fabric.id, manifests);
    h.kube.faults.setLatency(LATENCY_MS);
    const first = await a.operations.start({ fabricId: fabric.id, type: 'APPLY' });
    while (a.applies.length < 3) await sleep(20); // the APPLY stage is under way

    const killedAt = Date.now();
    const killed = await h.db.orm.em
      .getConnection()
      .execute(
        `select pg_terminate_backend(pid) as done from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
      );
    expect(killed).toEqual([{ done: true }]);

    // The second replica takes the lock once PostgreSQL has let the killed session go; until then it joins.
    let second = await b.operations.start({ fabricId: fabric.id, type: 'APPLY' });
    while (second.id === first.id) {
      await sleep(20);
      second = await b.operations.start({ fabricId: fabric.id, type: 'APPLY' });
    }
    await Promise.all([a.operations.drain(), b.operations.drain()]);
    h.kube.faults.clear();

    const em = h.db.orm.em.fork();
    const [firstEnd, secondEnd] = await Promise.all([
      em.findOneOrFail(Operation, first.id),
      em.findOneOrFail(Operation, second.id),
    ]);
    expect(firstEnd.status).toBe('FAILED');
    expect(firstEnd.message).toMatch(/lost the fabric lock/);
    expect(secondEnd.status, secondEnd.message ?? '').toBe('SUCCEEDED');
    expect(await em.count(Operation, { status: { $in: ['RUNNING', 'QUEUED'] } })).toBe(0);

    // The first replica's last cluster write ended within a second of the kill, before the second's first.
    const lastOfFirst = Math.max(...a.applies.map((r) => r.end));
    const firstOfSecond = Math.min(...b.applies.map((r) => r.start));
    expect(b.applies.length).toBeGreaterThan(0);
    expect(lastOfFirst - killedAt).toBeLessThan(1_000);
    expect(lastOfFirst).toBeLessThan(firstOfSecond);
  }, 90_000);
});

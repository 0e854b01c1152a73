/**
 * The replica's one writer of watch events: many fabrics' events cost one read and one write per
 * batch, each fabric's recordEvents are published in order and exactly once (a retried batch does
 * not republish), a dropped lane writes nothing more, and last event times are stored at most once a
 * second per fabric, the owed ones at close. On the database, a batch's rows, its fabric's last event
 * time and its events carry the one batch time.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../src/cluster/watch.js';
import type { ObjectRef } from '../../src/domain/kinds.js';
import type { RecordEvent } from '../../src/events/index.js';
import { Fabric, ResourceRecord } from '../../src/store/entities/index.js';
import type { Observation } from '../../src/store/live-state-store.js';
import { WatchStore, type WatchedRecord } from '../../src/store/watch-store.js';
import { LiveWriter, STAMP_INTERVAL_MS } from '../../src/sync/watch/live-writer.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const NS = 'default';
const added = (name: string, fabricName: string, resourceVersion: string): WatchEvent => ({
  type: 'ADDED',
  object: {
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'VLANNamespace',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-${name}`,
      resourceVersion,
      labels: { 'fabric.githedgehog.com/fabric': fabricName },
    },
    spec: { ranges: [{ from: 100, to: 200 }] },
  },
});

/** Records `a-0`… of fabric `a` and `b-0`… of fabric `b`, and every call the writer makes. */
function fakeStore() {
  const records: WatchedRecord[] = ['a', 'b'].flatMap((fabricId) =>
    [0, 1, 2].map((i) => ({
      id: `${fabricId}-record-${i}`,
      fabricId,
      ref: { kind: 'VLANNamespace', namespace: NS, name: `${fabricId}-${i}` },
      canonicalHash: 'desired',
      manifest: added(`${fabricId}-${i}`, fabricId, '1').object,
      state: 'APPLIED' as const,
    })),
  );
  const reads: { fabricId: string; ref: ObjectRef }[][] = [];
  const writes: { observations: Observation[]; stamps: Map<string, Date> }[] = [];
  return {
    reads,
    writes,
    store: {
      recordsAt: async (keys: readonly { fabricId: string; ref: ObjectRef }[]) => {
        reads.push([...keys]);
        return records.filter((r) =>
          keys.some((k) => k.fabricId === r.fabricId && k.ref.name === r.ref.name),
        );
      },
      writeLive: async (
        observations: readonly Observation[],
        _at: Date,
        stamps: ReadonlyMap<string, Date>,
      ) => {
        writes.push({ observations: [...observations], stamps: new Map(stamps) });
      },
      markOutOfSync: async () => [],
      driftIgnoreOf: async () => new Map(),
    },
  };
}

function recordingBus(failAt?: number) {
  const published: RecordEvent[] = [];
  let calls = 0;
  return {
    published,
    events: {
      publish: async (_topic: string, _scope: string, payload: unknown) => {
        if (++calls === failAt) throw new Error('the bus is down for a moment');
        published.push(payload as RecordEvent);
        return { id: String(calls), topic: 'recordEvents', scopeId: '', payload } as never;
      },
    },
  };
}

const log = pino({ level: 'silent' });

describe('LiveWriter', () => {
  it('writes the events of many fabrics with one read and one write, and publishes each fabric’s in order', async () => {
    const { store, reads, writes } = fakeStore();
    const { events, published } = recordingBus();
    const writer = new LiveWriter({ store, events, log, coalesceMs: 5 });
    const a = writer.lane('a', 'fab-a');
    const b = writer.lane('b', 'fab-b');
    writer.push(a, added('a-0', 'fab-a', '1'));
    writer.push(b, added('b-0', 'fab-b', '2'));
    writer.push(a, added('a-1', 'fab-a', '3'));
    writer.push(b, added('someone-elses', 'fab-z', '4'));
    writer.push(a, added('a-2', 'fab-a', '5'));
    await Promise.all([writer.flush(a), writer.flush(b)]);

    expect(reads).toHaveLength(1);
    expect(reads[0]!.map((k) => `${k.fabricId}/${k.ref.name}`)).toEqual([
      'a/a-0',
      'a/a-1',
      'a/a-2',
      'b/b-0',
      'b/someone-elses',
    ]);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.observations.map((o) => o.id).sort()).toEqual([
      'a-record-0',
      'a-record-1',
      'a-record-2',
      'b-record-0',
    ]);
    expect([...writes[0]!.stamps.keys()].sort()).toEqual(['a', 'b']);
    const of = (fabricId: string) => published.filter((e) => e.fabricId === fabricId).map((e) => e.name);
    expect(of('a')).toEqual(['a-0', 'a-1', 'a-2']);
    expect(of('b')).toEqual(['b-0']); // the object of another fabric is no event of b
    await writer.close();
  });

  it('retries a batch whose publishing failed half-way without publishing any event twice', async () => {
    const { store, writes } = fakeStore();
    const { events, published } = recordingBus(2);
    const writer = new LiveWriter({ store, events, log, coalesceMs: 1, retryMs: 10 });
    const a = writer.lane('a', 'fab-a');
    for (const i of [0, 1, 2]) writer.push(a, added(`a-${i}`, 'fab-a', String(i + 1)));
    await expect(writer.flush(a)).rejects.toThrow(/bus is down/);
    await writer.flush(a);

    expect(published.map((e) => e.name)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(writes.length).toBeGreaterThanOrEqual(2); // written again: the live state write is idempotent
    await writer.close();
  });

  it('skips what a dropped lane has queued', async () => {
    const { store, writes } = fakeStore();
    const { events, published } = recordingBus();
    const writer = new LiveWriter({ store, events, log, coalesceMs: 50 });
    const a = writer.lane('a', 'fab-a');
    const b = writer.lane('b', 'fab-b');
    writer.push(a, added('a-0', 'fab-a', '1'));
    writer.push(b, added('b-0', 'fab-b', '2'));
    writer.drop(a);
    writer.push(a, added('a-1', 'fab-a', '3'));
    await Promise.all([writer.flush(a), writer.flush(b)]);

    expect(published.map((e) => e.name)).toEqual(['b-0']);
    expect(writes.flatMap((w) => w.observations.map((o) => o.id))).toEqual(['b-record-0']);
    await writer.close();
  });

  it('counts a dropped lane’s skipped events once, even when their batch is retried', async () => {
    const { store } = fakeStore();
    const { events } = recordingBus(1); // b-0's publishing fails once: the whole batch is retried
    const writer = new LiveWriter({ store, events, log, coalesceMs: 50, retryMs: 10 });
    const a = writer.lane('a', 'fab-a');
    const b = writer.lane('b', 'fab-b');
    writer.push(a, added('a-0', 'fab-a', '1'));
    writer.push(b, added('b-0', 'fab-b', '2'));
    writer.drop(a);
    await expect(writer.flush(b)).rejects.toThrow(/bus is down/);
    await writer.flush(b);
    const settled = await Promise.race([
      writer.flush(a).then(() => 'flushed'),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 500)),
    ]);
    expect(settled).toBe('flushed');
    await writer.close();
  });

  it('stores a fabric’s last event time at most once per interval, and the owed one at close', async () => {
    const { store, writes } = fakeStore();
    const { events, published } = recordingBus();
    let now = 1_000_000;
    const writer = new LiveWriter({ store, events, log, coalesceMs: 1, now: () => now });
    const a = writer.lane('a', 'fab-a');
    writer.push(a, added('a-0', 'fab-a', '1'));
    await writer.flush(a);
    now += STAMP_INTERVAL_MS / 2;
    writer.push(a, added('a-1', 'fab-a', '2'));
    await writer.flush(a);
    expect(writes.map((w) => [...w.stamps.keys()])).toEqual([['a'], []]);

    await writer.close();
    expect(writes.map((w) => [...w.stamps.keys()])).toEqual([['a'], [], ['a']]);
    expect(writes[2]!.stamps.get('a')!.toISOString()).toBe(published[1]!.at); // the time of a-1's batch
  });
});

describe('LiveWriter on the database', () => {
  let db: TestDatabase;
  const fabricId = randomUUID();
  const names = ['a-0', 'a-1'];
  beforeAll(async () => {
    db = await createTestDatabase();
    const knex = db.orm.em.getConnection().getKnex();
    const now = new Date();
    const em = db.orm.em.fork();
    await em.persist(Object.assign(new Fabric(), { id: fabricId, name: 'fab-a' })).flush();
    await knex('record').insert(
      names.map((name) => ({
        id: randomUUID(),
        fabric_id: fabricId,
        kind: 'VLANNamespace',
        namespace: NS,
        name,
        labels: '{}',
        annotations: '{}',
        spec: '{}',
        canonical_hash: 'desired',
        state: 'APPLIED',
        created_at: now,
        updated_at: now,
      })),
    );
  }, 60_000);
  afterAll(() => db?.close());

  it('stamps the records, the fabric’s last event time and the events with the batch’s time', async () => {
    const { events, published } = recordingBus();
    const batchTime = Date.parse('2026-01-02T03:04:05.678Z'); // the writer's clock, not the wall's
    const store = new WatchStore(db.orm);
    const writer = new LiveWriter({ store, events, log, coalesceMs: 1, now: () => batchTime });
    const a = writer.lane(fabricId, 'fab-a');
    names.forEach((name, i) => writer.push(a, added(name, 'fab-a', String(i + 1))));
    await writer.flush(a);
    await writer.close();

    const at = new Date(batchTime).toISOString();
    const [recordEvents, fabricEvents] = [published.filter((e) => e.name), published.filter((e) => !e.name)];
    expect(recordEvents.map((e) => [e.name, e.at])).toEqual(names.map((name) => [name, at]));
    // The live objects differ from the records' desired hash: the fabric is out of sync, said once.
    expect(fabricEvents).toEqual([{ fabricId, syncStatus: 'OUT_OF_SYNC', at }]);
    const em = db.orm.em.fork();
    const records = await em.find(ResourceRecord, { fabric: fabricId }, { orderBy: { name: 'asc' } });
    expect(
      records.map((r) => [r.name, r.liveUid, r.liveSeenAt?.toISOString(), r.updatedAt.toISOString()]),
    ).toEqual(names.map((name) => [name, `uid-${name}`, at, at]));
    const fabric = await em.findOneOrFail(Fabric, fabricId);
    expect(fabric.lastWatchEventAt?.toISOString()).toBe(at);
    expect(fabric.syncStatus).toBe('OUT_OF_SYNC');
  });

  it('reads the desired objects only for a fabric with drift ignore rules (the hash decides elsewhere)', async () => {
    const store = new WatchStore(db.orm);
    const keys = names.map((name) => ({ fabricId, ref: { kind: 'VLANNamespace', namespace: NS, name } }));
    expect((await store.recordsAt(keys)).map((r) => r.manifest)).toEqual([null, null]);
    const knex = db.orm.em.getConnection().getKnex();
    await knex('fabric')
      .where('id', fabricId)
      .update({ drift_ignore: JSON.stringify([{ paths: ['spec.ranges'] }]) });
    try {
      const withRules = await store.recordsAt(keys);
      expect(withRules.map((r) => r.manifest?.metadata.name).sort()).toEqual(names);
      expect(withRules.map((r) => r.manifest?.spec)).toEqual([{}, {}]);
    } finally {
      await knex('fabric').where('id', fabricId).update({ drift_ignore: '[]' });
    }
  });
});

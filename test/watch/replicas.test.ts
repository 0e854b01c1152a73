/**
 * Two replicas (two supervisors, each with its own database session and Redis bus) on one real
 * PostgreSQL and Redis: each fabric is watched by exactly one of them, closing the owner or killing
 * its database session hands its fabrics to the other within seconds, and a subscriber on one
 * replica sees the cluster events the other watches.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../src/cluster/index.js';
import { RedisBus, type FabricStatusEvent } from '../../src/events/index.js';
import type { Fabric } from '../../src/store/entities/index.js';
import { SessionLocks } from '../../src/store/session-locks.js';
import type { WatchSupervisor } from '../../src/sync/watch/index.js';
import { gvr } from '../sync/live.js';
import { startWatchHarness, type WatchHarness } from './harness.js';
import { follow, type Signals } from './support.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const FAST_RESCAN_MS = 300;

describe('watch supervisors on two replicas', () => {
  let w: WatchHarness;
  const keyPrefix = `fabric-sync:test-watch-${randomUUID()}:`;
  const busA = new RedisBus({ url: REDIS_URL, keyPrefix });
  const busB = new RedisBus({ url: REDIS_URL, keyPrefix });
  const cleanups: (() => Promise<void>)[] = [];
  const statusesOnB = new Map<string, Signals<FabricStatusEvent>>();

  beforeAll(async () => {
    w = await startWatchHarness();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await Promise.all(cleanups.map((c) => c()));
    await busA.close();
    await busB.close();
  });

  const createFabrics = async (prefix: string, count: number) => {
    const fabrics: Fabric[] = [];
    for (let i = 1; i <= count; i++) {
      const fabric = await w.sync.createFabric({ name: `${prefix}-${i}` });
      const followed = await follow(busB, 'fabricStatus', fabric.id);
      cleanups.push(followed.stop);
      statusesOnB.set(fabric.id, followed.signals);
      fabrics.push(fabric);
    }
    return fabrics;
  };
  const active = (fabricId: string, from = 0) =>
    statusesOnB.get(fabricId)!.next((e) => e.watchStatus === 'ACTIVE', `fabric ${fabricId} ACTIVE`, { from });
  const seenOnB = (fabricId: string) => statusesOnB.get(fabricId)!.seen.length;

  it('watches each fabric on exactly one replica; closing the owner hands its fabrics over', async () => {
    const fabrics = await createFabrics('r', 4);
    const a = w.supervisor({ events: busA, rescanMs: FAST_RESCAN_MS });
    const b = w.supervisor({ events: busB, rescanMs: FAST_RESCAN_MS });
    a.start();
    b.start();
    await Promise.all(fabrics.map((f) => active(f.id)));
    const ids = fabrics.map((f) => f.id).sort();
    expect([...a.ownedFabricIds(), ...b.ownedFabricIds()].sort()).toEqual(ids);

    const owner = a.ownedFabricIds().includes(fabrics[0]!.id) ? a : b;
    const other = owner === a ? b : a;
    const handed = owner.ownedFabricIds();
    const marks = new Map(handed.map((id) => [id, seenOnB(id)]));
    await owner.stop();
    await Promise.all(handed.map((id) => active(id, marks.get(id))));
    expect(other.ownedFabricIds().sort()).toEqual(ids);
    expect(owner.ownedFabricIds()).toEqual([]);

    const events = await follow(busB, 'recordEvents', fabrics[0]!.id);
    cleanups.push(events.stop);
    await w.sync.api.createNamespacedCustomObject({
      ...gvr('VLANNamespace'),
      body: {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'VLANNamespace',
        metadata: { name: 'handed-over', labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: 'r-1' } },
        spec: { ranges: [{ from: 300, to: 400 }] },
      },
    });
    const event = await events.signals.next((e) => e.name === 'handed-over', 'the new owner’s event');
    expect(event).toMatchObject({ type: 'ADDED', state: 'ORPHANED', fabricId: fabrics[0]!.id });
    await other.stop();
  }, 60_000);

  it('a replica whose database session dies loses its fabric to the other within seconds', async () => {
    const [fabric] = await createFabrics('s', 1);
    const victimLocks = new SessionLocks(w.sync.db.orm);
    cleanups.push(() => victimLocks.close());
    // The victim never rescans by itself, like a replica that froze: only the survivor acts.
    const victim: WatchSupervisor = w.supervisor({ events: busA, locks: victimLocks, rescanMs: 3_600_000 });
    victim.start(); // its one scan claims every free fabric, this one included
    await active(fabric!.id);
    expect(victim.ownedFabricIds()).toContain(fabric!.id);

    const survivor = w.supervisor({ events: busB, rescanMs: FAST_RESCAN_MS });
    survivor.start();
    const mark = seenOnB(fabric!.id);
    const pid = await victimLocks.backendPid();
    await w.sync.db.orm.em.getConnection().execute('select pg_terminate_backend(?)', [pid]);
    const takeover = await statusesOnB
      .get(fabric!.id)!
      .next((e) => e.watchStatus === 'RECONNECTING', 'the takeover', { from: mark });
    expect(takeover.message).toBe('taking the watch over');
    await active(fabric!.id, mark);
    expect(survivor.ownedFabricIds()).toContain(fabric!.id);

    await victim.scan(); // its next rescan finds the lease gone and stops watching
    expect(victim.ownedFabricIds()).toEqual([]);
    expect(survivor.ownedFabricIds()).toContain(fabric!.id);
  }, 60_000);
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Fabric, type Operation } from '../../src/store/entities/index.js';
import type { OperationRequest, OperationService } from '../../src/sync/operation-service.js';
import { Scheduler, type SchedulerOptions } from '../../src/sync/scheduler.js';
import { within } from '../events/support.js';
import { startHarness, type Harness } from './harness.js';

describe('Scheduler', () => {
  let h: Harness;
  const schedulers: Scheduler[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await h.settled();
  });
  afterAll(async () => {
    await h?.close();
  });

  const scheduler = (options: Partial<SchedulerOptions> = {}) => {
    const s = new Scheduler({
      orm: h.orm,
      locks: new AdvisoryLocks(h.orm),
      operations: h.operations,
      log: h.log,
      rescanMs: 60_000,
      jitter: 0,
      ...options,
    });
    schedulers.push(s);
    return s;
  };

  const setInterval = async (fabric: Fabric, syncIntervalSeconds: number) =>
    h.orm.em.fork().nativeUpdate(Fabric, { id: fabric.id }, { syncIntervalSeconds });

  it('starts an operation triggered by SCHEDULE on the fabric’s interval, again and again', async () => {
    const fabric = await h.createFabric({ syncIntervalSeconds: 1 });
    const idle = await h.createFabric({ syncIntervalSeconds: 0 });
    const runs = [h.pipeline.nextRun()];
    scheduler().start();
    expect(await within(runs[0]!, 'the first scheduled run')).toBe(fabric.id);
    await h.settled();
    expect(await within(h.pipeline.nextRun(), 'the second scheduled run')).toBe(fabric.id);
    await h.settled();
    const ops = await h.operationsOf(fabric.id);
    expect(ops.map((op) => [op.trigger, op.status])).toEqual([
      ['SCHEDULE', 'SUCCEEDED'],
      ['SCHEDULE', 'SUCCEEDED'],
    ]);
    expect(await h.operationsOf(idle.id)).toEqual([]);
    await setInterval(fabric, 0);
  });

  it('joins the operation still running when the next interval comes', async () => {
    const fabric = await h.createFabric({ syncIntervalSeconds: 1 });
    const started: Operation[] = [];
    let twice!: () => void;
    const secondStart = new Promise<void>((resolve) => (twice = resolve));
    const recording: Pick<OperationService, 'start'> = {
      start: async (request: OperationRequest) => {
        const op = await h.operations.start(request);
        if (started.push(op) === 2) twice();
        return op;
      },
    };
    const release = h.pipeline.hold();
    scheduler({ operations: recording }).start();
    await within(secondStart, 'a second interval while the first run is held');
    release();
    await h.settled();
    expect(started[1]?.id).toBe(started[0]?.id);
    expect(await h.operationsOf(fabric.id)).toHaveLength(1);
    await setInterval(fabric, 0);
  });

  it('claims a fabric whose interval is turned on, and gives it up when turned off or deleted', async () => {
    const fabric = await h.createFabric({ syncIntervalSeconds: 0 });
    const s = scheduler({ rescanMs: 3_600_000 });
    await s.scan();
    expect(s.ownedFabricIds()).not.toContain(fabric.id);
    await setInterval(fabric, 3600);
    await s.scan();
    expect(s.ownedFabricIds()).toContain(fabric.id);
    await setInterval(fabric, 0);
    await s.scan();
    expect(s.ownedFabricIds()).not.toContain(fabric.id);
    await setInterval(fabric, 3600);
    await s.scan();
    await h.orm.em.fork().nativeDelete(Fabric, { id: fabric.id });
    await s.scan();
    expect(s.ownedFabricIds()).toEqual([]);
  });

  // Overlapping scans would each claim the same free fabric; on one lock session (SessionLocks) both
  // claims succeed, and the extra lock is never released, so no other replica could take the fabric.
  it('never runs two scans at once: rescans due while one still claims are skipped', async () => {
    const fabric = await h.createFabric({ syncIntervalSeconds: 3600 });
    const locks = new AdvisoryLocks(h.orm);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claiming!: () => void;
    const firstClaim = new Promise<void>((resolve) => (claiming = resolve));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const s = scheduler({
        rescanMs: 10,
        locks: {
          tryAcquire: async (key) => {
            claiming();
            await held;
            return locks.tryAcquire(key);
          },
        },
      });
      const scan = vi.spyOn(s, 'scan');
      s.start();
      await within(firstClaim, 'the first scan to claim a fabric');
      vi.advanceTimersByTime(100); // ten rescans come due while the first one waits
      expect(scan).toHaveBeenCalledTimes(1);
      release();
      await s.stop();
      expect(s.ownedFabricIds()).toEqual([]);
    } finally {
      vi.useRealTimers();
      release();
      await setInterval(fabric, 0);
    }
  });

  it('runs each fabric’s schedule on one replica only, and another takes over when it stops', async () => {
    const fabrics = await Promise.all([1, 2, 3].map(() => h.createFabric({ syncIntervalSeconds: 3600 })));
    const ids = fabrics.map((f) => f.id).sort();
    const [a, b] = [scheduler({ operations: h.createOperations() }), scheduler()];
    await Promise.all([a.scan(), b.scan()]);
    const owners = ids.map((id) => [a, b].filter((s) => s.ownedFabricIds().includes(id)).length);
    expect(owners).toEqual([1, 1, 1]);
    await a.stop();
    await b.scan();
    expect(b.ownedFabricIds().sort()).toEqual(ids);
    await Promise.all(fabrics.map((f) => setInterval(f, 0)));
  });
});

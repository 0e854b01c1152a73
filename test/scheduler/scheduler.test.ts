import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

  // PGlite (the default without DATABASE_URL) has a single session, so advisory locks cannot exclude
  // two owners in one process there; replicas always run on a real PostgreSQL, as CI does.
  it.skipIf(!process.env['DATABASE_URL'])(
    'runs each fabric’s schedule on one replica only, and another takes over when it stops',
    async () => {
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
    },
  );
});

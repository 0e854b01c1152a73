/**
 * The automatic starts of a suspended fabric: its schedule is given up at the next rescan and
 * claimed again after resuming; a start that comes anyway (suspended between two rescans, the
 * watch's self-heal) is refused with FABRIC_SUSPENDED by OperationService.start, the one place every
 * start passes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setSuspension } from '../../src/api/services/fabric-suspension.js';
import { InProcessBus } from '../../src/events/index.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Scheduler } from '../../src/sync/scheduler.js';
import { within } from '../events/support.js';
import { startHarness, type Harness } from './harness.js';

describe('a suspended fabric’s automatic starts', () => {
  let h: Harness;
  let scheduler: Scheduler;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await scheduler?.stop();
    await h.settled();
  });
  afterAll(async () => {
    await h?.close();
  });

  const suspend = (fabricId: string, suspended: boolean) =>
    setSuspension({ em: h.orm.em, events: new InProcessBus() }, fabricId, {
      suspended,
      reason: 'maintenance',
      by: 'test',
    });

  it('gives the schedule up while suspended and claims it again once resumed', async () => {
    const fabric = await h.createFabric({ syncIntervalSeconds: 1 });
    scheduler = new Scheduler({
      orm: h.orm,
      locks: new AdvisoryLocks(h.orm),
      operations: h.operations,
      log: h.log,
      rescanMs: 60_000,
      jitter: 0,
    });
    await scheduler.scan();
    expect(scheduler.ownedFabricIds()).toEqual([fabric.id]);

    await suspend(fabric.id, true);
    await scheduler.scan();
    expect(scheduler.ownedFabricIds()).toEqual([]);

    await suspend(fabric.id, false);
    const run = h.pipeline.nextRun();
    await scheduler.scan();
    expect(scheduler.ownedFabricIds()).toEqual([fabric.id]);
    expect(await within(run, 'the scheduled run after resuming')).toBe(fabric.id);
  });

  it.each(['GIT_SYNC', 'SELF_HEAL'] as const)(
    'refuses a %s start with FABRIC_SUSPENDED, whatever its trigger',
    async (type) => {
      const fabric = await h.createFabric({});
      await suspend(fabric.id, true);
      for (const trigger of ['SCHEDULE', 'WEBHOOK', 'WATCH'] as const)
        await expect(h.operations.start({ fabricId: fabric.id, type, trigger })).rejects.toMatchObject({
          code: 'FABRIC_SUSPENDED',
        });
      expect(await h.operationsOf(fabric.id)).toEqual([]);
    },
  );

  it('refuses to join an operation that was running before the suspension (it still finishes)', async () => {
    const fabric = await h.createFabric({});
    const release = h.pipeline.hold();
    const running = await h.operations.start({ fabricId: fabric.id, type: 'GIT_SYNC' });
    await suspend(fabric.id, true);
    await expect(h.operations.start({ fabricId: fabric.id, type: 'GIT_SYNC' })).rejects.toMatchObject({
      code: 'FABRIC_SUSPENDED',
    });
    release();
    await h.settled();
    expect((await h.operationsOf(fabric.id)).map((op) => [op.id, op.status])).toEqual([
      [running.id, 'SUCCEEDED'],
    ]);
  });
});

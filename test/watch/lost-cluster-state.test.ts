/**
 * Issue 17, "the cluster's truth": what the watch tells about a cluster that lost its objects. A
 * test server restarted empty behind the same address (its resourceVersions start over, so the
 * watch's version is ahead of it) and objects deleted by a client both make the records MISSING and
 * the fabric OUT_OF_SYNC at once, without waiting for a drift check; with selfHeal on, a SELF_HEAL
 * operation triggered by the watch puts them back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gvr, liveObjects } from '../sync/live.js';
import { clusterState, differingKeys, gitState, runOperation } from '../e2e-scale/support.js';
import {
  operations,
  selfHeals,
  setSelfHeal,
  stageCount,
  startHealStack,
  waitForOperations,
  waitForSync,
  watchActive,
  type HealStack,
  type OperationRow,
} from './heal-support.js';

/** "Within a few seconds": the watch reconnects within its first backoff steps, then relists. */
const SEEN_WITHIN_MS = 10_000;

describe('lost cluster state', () => {
  let h: HealStack;
  let total: number;

  beforeAll(async () => {
    h = await startHealStack('lost');
    total = (await waitForSync(h, (v) => v.syncStatus === 'IN_SYNC', 'IN_SYNC')).inSync.totalCount;
  }, 120_000);
  afterAll(() => h?.stack.close());

  const expectClusterEqualsGit = async () =>
    expect(differingKeys(await clusterState(h.stack.api), await gitState(h.repo, h.directory))).toEqual([]);

  /** Back to every object applied and IN_SYNC, for the next test. */
  const restore = async () => {
    await setSelfHeal(h, false);
    expect((await runOperation(h.stack.t, 'reconcileFabric', h.fabricId)).status).toBe('SUCCEEDED');
    await waitForSync(h, (v) => v.syncStatus === 'IN_SYNC' && v.inSync.totalCount === total, 'IN_SYNC again');
    await watchActive(h);
  };

  const deleteObjects = async (count: number) => {
    const keys = [...(await liveObjects(h.stack.api)).values()].slice(0, count);
    for (const object of keys)
      await h.stack.api.deleteNamespacedCustomObject({ ...gvr(object.kind), name: object.metadata.name });
  };

  it('a cluster restarted empty: every record MISSING and the fabric OUT_OF_SYNC within seconds', async () => {
    await setSelfHeal(h, false);
    const before = (await operations(h)).length;
    await h.stack.kube.restartEmpty();
    const view = await waitForSync(
      h,
      (v) => v.missing.totalCount === total && v.syncStatus === 'OUT_OF_SYNC',
      'every record MISSING and the fabric OUT_OF_SYNC',
      SEEN_WITHIN_MS,
    );
    expect(view.inSync.totalCount).toBe(0);
    expect((await operations(h)).length).toBe(before); // the watch said so, no drift check ran
    await restore();
  }, 60_000);

  it('with selfHeal on, a cluster restarted empty is filled again by a SELF_HEAL operation the watch triggered', async () => {
    await setSelfHeal(h, true);
    await h.stack.kube.restartEmpty();
    const ops = await waitForOperations(
      h,
      (all) => all.some((op) => op.type === 'SELF_HEAL' && op.status === 'SUCCEEDED'),
      'a SELF_HEAL operation',
    );
    const heal = ops.find((op) => op.type === 'SELF_HEAL')!;
    expect(heal.trigger).toBe('WATCH');
    expect(stageCount(heal, 'APPLY', 'created')).toBe(total);
    await expectClusterEqualsGit();
    await waitForSync(h, (v) => v.syncStatus === 'IN_SYNC' && v.inSync.totalCount === total, 'IN_SYNC');
    await restore();
  }, 60_000);

  it('25 objects deleted by a client: OUT_OF_SYNC at once; with selfHeal on, a SELF_HEAL (WATCH) brings them back', async () => {
    await setSelfHeal(h, false);
    const before = (await operations(h)).length;
    await deleteObjects(25);
    await waitForSync(
      h,
      (v) => v.missing.totalCount === 25 && v.syncStatus === 'OUT_OF_SYNC',
      '25 records MISSING and the fabric OUT_OF_SYNC',
      SEEN_WITHIN_MS,
    );
    expect((await operations(h)).length).toBe(before); // not healed while selfHeal is off

    const earlier = new Set((await selfHeals(h)).map((op) => op.id));
    await setSelfHeal(h, true);
    await deleteObjects(25);
    // One heal, or a few when the deletions outlast the debounce: together they create all 50.
    const healed = (ops: OperationRow[]) =>
      ops.filter((op) => op.type === 'SELF_HEAL' && op.status === 'SUCCEEDED' && !earlier.has(op.id));
    const ops = await waitForOperations(
      h,
      (all) => healed(all).reduce((sum, op) => sum + stageCount(op, 'APPLY', 'created'), 0) === 50,
      'SELF_HEAL operations creating the 50 deleted objects', // the 25 seen while it was off too
    );
    expect(healed(ops).map((op) => op.trigger)).toEqual(healed(ops).map(() => 'WATCH'));
    await expectClusterEqualsGit();
    await waitForSync(h, (v) => v.syncStatus === 'IN_SYNC' && v.inSync.totalCount === total, 'IN_SYNC');
  }, 60_000);
});

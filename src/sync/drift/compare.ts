/** COMPARE: computes the drift, stores the report with record states and sync status, then publishes. */
import { compileDriftIgnore } from '../../domain/drift-ignore.js';
import { required, throwIfCancelled, type StageResult } from '../stage.js';
import { compareObjects } from './compare-objects.js';
import type { DriftContext } from './context.js';

export async function compareDrift(ctx: DriftContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  const outcome = compareObjects(
    required(ctx.desired, 'desired'),
    required(ctx.live, 'live objects'),
    fabric.name,
    compileDriftIgnore(fabric.driftIgnore),
  );
  const { modified = 0, missing = 0, orphaned = 0 } = outcome.counts;
  const syncStatus = modified + missing + orphaned === 0 ? 'IN_SYNC' : 'OUT_OF_SYNC';
  throwIfCancelled(signal); // last safe point before the transaction
  const reportId = await ctx.deps.drift.write({
    fabricId: fabric.id,
    operationId: ctx.op.id,
    commit: fabric.syncedCommit,
    score: outcome.score,
    counts: outcome.counts,
    differences: outcome.differences,
    observations: outcome.observations,
    syncStatus,
  });
  const at = new Date().toISOString();
  await ctx.deps.events.publish('driftReports', fabric.id, {
    fabricId: fabric.id,
    reportId,
    score: outcome.score,
    counts: outcome.counts,
    at,
  });
  if (fabric.syncStatus !== syncStatus)
    await ctx.deps.events.publish('fabricStatus', fabric.id, { fabricId: fabric.id, syncStatus, at });
  return { counts: outcome.counts, message: `${syncStatus}, drift score ${outcome.score.toFixed(3)}` };
}

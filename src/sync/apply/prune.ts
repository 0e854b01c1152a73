/**
 * PRUNE: deletes this fabric's owned objects that are no longer desired, in reverse dependency
 * order, only when the fabric prunes. Other fabrics' and unowned objects were never candidates.
 */
import { applyWaves } from '../../domain/kinds.js';
import { OperationFailure, required, type StageResult, throwIfCancelled } from '../stage.js';
import type { ApplyContext } from './context.js';
import { saveDryRunResult } from './dry-run.js';
import { errorEntry } from './tally.js';

export async function pruneObjects(ctx: ApplyContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  if (!fabric.prune) return { message: 'prune is off for this fabric', counts: { deleted: 0 } };
  const client = required(ctx.client, 'client');
  const dryRun = ctx.op.operation.dryRun;
  const errors = [];
  let deleted = 0;
  for (const wave of applyWaves(required(ctx.toPrune, 'prune plan')).reverse()) {
    throwIfCancelled(signal);
    const entries = await client.delete(wave, { dryRun, signal });
    for (const entry of entries) {
      if (entry.error) errors.push(errorEntry(entry.error));
      else deleted += 1;
      if (dryRun)
        (ctx.changes ??= []).push({
          ...entry.ref,
          action: entry.action,
          ...(entry.error ? { error: entry.error.message } : {}),
        });
    }
  }
  if (dryRun) await saveDryRunResult(ctx);
  if (errors.length > 0) throw new OperationFailure(`${errors.length} object(s) could not be pruned`, errors);
  return { counts: { deleted } };
}

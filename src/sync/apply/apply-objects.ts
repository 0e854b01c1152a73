/**
 * APPLY: server-side apply in dependency waves (architecture §4), bounded by the cluster client's
 * concurrency. One object's failure does not stop the others; the operation then fails listing all.
 * A failure of the cluster itself (unreachable, token refused) stops it after that wave, with that
 * one error. A failed write of record states stops it: the wave applied while that write ran is the
 * last one, and the operation fails with the database's error.
 */
import { withOwnership, type ChangeSetEntry } from '../../cluster/index.js';
import { applyWaves, formatRef } from '../../domain/kinds.js';
import type { DesiredObject } from '../../store/live-state-store.js';
import { recordConnection } from '../fabric-connection.js';
import { OperationFailure, required, type StageResult, throwIfCancelled } from '../stage.js';
import type { ApplyContext } from './context.js';
import { dryRunChange, saveDryRunResult } from './dry-run.js';
import { StateWriter } from './state-writer.js';
import { ApplyTally, errorEntry } from './tally.js';

export async function applyObjects(ctx: ApplyContext, signal: AbortSignal): Promise<StageResult> {
  const fabric = required(ctx.fabric, 'fabric');
  const client = required(ctx.client, 'client');
  const live = required(ctx.live, 'live objects');
  const dryRun = ctx.op.operation.dryRun;
  const tally = new ApplyTally(ctx.deps.vault.redactor);
  const knownVersions = new Map(
    required(ctx.toApply, 'plan').flatMap((d) => {
      const rv = live.get(d.ref)?.metadata.resourceVersion;
      return typeof rv === 'string' ? [[formatRef(d.ref), rv] as const] : [];
    }),
  );
  const store = new StateWriter(ctx.deps.liveState);
  if (!dryRun) store.write(required(ctx.unchanged, 'unchanged'));
  const waves = applyWaves(required(ctx.toApply, 'plan').map((record) => ({ ...record.ref, record })));
  try {
    for (const wave of waves) {
      throwIfCancelled(signal);
      await store.caughtUp(); // a failed state write applies no further wave
      const manifests = wave.map(({ record }) => withOwnership(record.manifest, fabric.name));
      const entries = await client.apply(manifests, { dryRun, knownVersions, signal });
      throwIfCancelled(signal);
      wave.forEach(({ record }, i) => tally.add(record, entries[i]!));
      if (dryRun)
        recordChanges(
          ctx,
          wave.map((w) => w.record),
          entries,
        );
      else store.write(tally.observations.splice(0));
      if (tally.connectionFailure) break; // the next wave would fail the same way
    }
  } catch (err) {
    await store.settled().catch(() => undefined); // no write outlives the operation; the first error wins
    throw err;
  }
  await store.settled();
  if (dryRun) await saveDryRunResult(ctx);
  if (tally.connectionFailure) {
    const failure = tally.connectionFailure;
    await recordConnection(ctx.deps, fabric, failure.failure.connection ?? 'ERROR', failure.message);
    throw new OperationFailure(`cluster of fabric ${fabric.name}: ${failure.message}`, [
      ...tally.errors,
      errorEntry(failure),
    ]);
  }
  if (tally.errors.length > 0)
    throw new OperationFailure(
      `${tally.errors.length} of ${waves.flat().length} object(s) failed to ${dryRun ? 'dry-run ' : ''}apply`,
      tally.errors,
    );
  return { counts: tally.counts, ...(dryRun ? { message: 'dry run: nothing was changed' } : {}) };
}

function recordChanges(
  ctx: ApplyContext,
  records: readonly DesiredObject[],
  entries: readonly ChangeSetEntry[],
) {
  const live = required(ctx.live, 'live objects');
  ctx.changes ??= [];
  records.forEach((record, i) => ctx.changes!.push(dryRunChange(entries[i]!, live.get(record.ref))));
}

/**
 * PLAN: desired records against the live objects; only those that disagree (canonical hashes
 * differ, and not only on fields the fabric's drift ignore rules leave to others) are applied.
 */
import { isOwnedBy, refOf } from '../../cluster/index.js';
import { agrees, compileDriftIgnore } from '../../domain/drift-ignore.js';
import { formatRef } from '../../domain/kinds.js';
import { alreadyInSyncWith, liveFactsOf, type DesiredObject } from '../../store/live-state-store.js';
import { listLiveOrFail, requireFabricCluster } from '../fabric-connection.js';
import type { StageResult } from '../stage.js';
import type { ApplyContext } from './context.js';

export async function planApply(ctx: ApplyContext, signal: AbortSignal): Promise<StageResult> {
  const { fabric, client } = await requireFabricCluster(ctx.deps, ctx.op.fabricId);
  // INVALID records never reach the cluster; a new git sync moves them on.
  // The database read and the cluster listing wait on different servers: overlap them.
  const [records, live] = await Promise.all([
    ctx.deps.liveState.loadDesired(fabric.id),
    listLiveOrFail(ctx.deps, fabric, client, signal),
  ]);
  const desired = records.filter((d) => d.state !== 'INVALID');
  const toApply: DesiredObject[] = [];
  const ignore = compileDriftIgnore(fabric.driftIgnore);
  ctx.unchanged = [];
  for (const record of desired) {
    const object = live.get(record.ref);
    const facts = object && isOwnedBy(object, fabric.name) ? liveFactsOf(object) : undefined;
    // A record whose only differences are ignored is left alone: another manager owns those fields.
    if (!object || !facts || !agrees(record, object, facts.hash, ignore)) toApply.push(record);
    else if (!alreadyInSyncWith(record, facts))
      ctx.unchanged.push({ id: record.id, state: 'IN_SYNC', message: null, live: facts });
  }
  const wanted = new Set(desired.map((d) => formatRef(d.ref)));
  const toPrune = fabric.prune
    ? live
        .ownedBy(fabric.name)
        .map(refOf)
        .filter((ref) => !wanted.has(formatRef(ref)))
    : [];
  Object.assign(ctx, { fabric, client, live, desired, toApply, toPrune });
  return {
    counts: {
      desired: desired.length,
      toApply: toApply.length,
      unchanged: desired.length - toApply.length,
      toPrune: toPrune.length,
    },
  };
}

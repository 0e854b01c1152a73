/** LIST: the fabric's live objects of every kind, and its desired records. */
import { listLiveOrFail, requireFabricCluster } from '../fabric-connection.js';
import type { StageResult } from '../stage.js';
import type { DriftContext } from './context.js';

export async function listObjects(ctx: DriftContext, signal: AbortSignal): Promise<StageResult> {
  const { fabric, client } = await requireFabricCluster(ctx.deps, ctx.op.fabricId);
  // The database read and the cluster listing wait on different servers: overlap them.
  const [desired, live] = await Promise.all([
    ctx.deps.liveState.loadDesired(fabric.id),
    listLiveOrFail(ctx.deps, fabric, client, signal),
  ]);
  Object.assign(ctx, { fabric, desired, live });
  return {
    counts: { desired: desired.length, live: live.objects.length, owned: live.ownedBy(fabric.name).length },
  };
}

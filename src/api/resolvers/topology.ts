/**
 * `topology(fabricId)`: the fabric's graph (domain/topology.ts) from one read of its switches,
 * servers, connections, VPCs and attachments, plus the fabric itself: two statements at any size.
 */
import { notFound } from '../../domain/errors.js';
import { buildTopology } from '../../domain/topology.js';
import type { ApiContext } from '../context.js';
import type { GQueryResolvers } from '../generated/graphql.js';
import { toGlobalId } from '../ids.js';
import { authorizedFabricId } from './guards.js';

export const topology: GQueryResolvers<ApiContext>['topology'] = async (_p, { fabricId }, ctx) => {
  const id = authorizedFabricId(ctx, fabricId, 'read');
  const [fabric, records] = await Promise.all([
    ctx.loaders.fabric.load(id),
    ctx.loaders.graph.topologyRecords.load(id),
  ]);
  if (!fabric) throw notFound('fabric', fabricId);
  // Node and link ids are Record global ids, so a view can fetch any of them with `node(id)`.
  return { fabric, ...buildTopology(records.map((r) => ({ ...r, id: toGlobalId('Record', r.id) }))) };
};

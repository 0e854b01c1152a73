/**
 * `topology(fabricId)`: the fabric's graph (domain/topology.ts) from one read of its switches,
 * servers, connections, VPCs and attachments, plus the fabric itself: two statements at any size.
 */
import { notFound } from '../../domain/errors.js';
import { buildTopology, type TopologyRecord } from '../../domain/topology.js';
import type { ApiContext } from '../context.js';
import type { GQueryResolvers, GTopologyNodeResolvers } from '../generated/graphql.js';
import { parseGlobalId, toGlobalId } from '../ids.js';
import { authorizedFabricId } from './guards.js';

/** Nodes are TopologyNodes, with ids of their own; links and memberships name records by Record ids. */
export const topologyIdOf = (r: Pick<TopologyRecord, 'id' | 'kind'>): string =>
  toGlobalId(r.kind === 'Switch' || r.kind === 'Server' ? 'TopologyNode' : 'Record', r.id);

export const topology: GQueryResolvers<ApiContext>['topology'] = async (_p, { fabricId }, ctx) => {
  const id = authorizedFabricId(ctx, fabricId, 'read');
  const [fabric, records] = await Promise.all([
    ctx.loaders.fabric.load(id),
    ctx.loaders.graph.topologyRecords.load(id),
  ]);
  if (!fabric) throw notFound('fabric', fabricId);
  return { fabric, ...buildTopology(records.map((r) => ({ ...r, id: topologyIdOf(r) }))) };
};

export const TopologyNode: GTopologyNodeResolvers<ApiContext> = {
  // A TopologyNode's id is its record's under another type (ids.ts).
  record: async (node, _a, ctx) => (await ctx.loaders.record.load(parseGlobalId(node.id)!.id))!,
};

import { DriftReport, Fabric, GitRepository, Operation, ResourceRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type { GQueryResolvers } from '../generated/graphql.js';
import { fromGlobalId } from '../ids.js';
import { listApiTokens, listDriftReports, listFabrics, listOperations, listRepositories } from '../lists.js';
import { emptyPage } from '../pagination.js';
import { authorizedFabricId, requirePrincipal } from './guards.js';
import { impact } from './impact.js';
import { loadNode, loadNodes } from './nodes.js';
import { topology } from './topology.js';

export const Query: GQueryResolvers<ApiContext> = {
  node: (_p, { id }, ctx) => loadNode(ctx, id),
  nodes: (_p, { ids }, ctx) => loadNodes(ctx, ids),
  viewer: (_p, _a, ctx) => requirePrincipal(ctx),
  fabrics: (_p, args, ctx) => listFabrics(ctx.em, ctx.auth, args),
  fabric: async (_p, { id, name }, ctx) => {
    if (id) {
      const fabricId = fromGlobalId(id, 'Fabric', 'id');
      return ctx.auth.can('read', fabricId) ? ctx.loaders.fabric.load(fabricId) : null;
    }
    if (!name) return null;
    const fabric = await ctx.em.findOne(Fabric, { name });
    return fabric && ctx.auth.can('read', fabric.id) ? fabric : null;
  },
  repositories: (_p, args, ctx) => listRepositories(ctx.em, ctx.auth, args),
  repository: async (_p, { id }, ctx) => {
    const repo = await loadNode(ctx, id);
    return repo instanceof GitRepository ? repo : null;
  },
  records: async (_p, { fabricId, ...args }, ctx) => {
    const fabric = await ctx.loaders.fabric.load(authorizedFabricId(ctx, fabricId, 'read'));
    return fabric ? ctx.loaders.recordPages.load(fabric, args) : emptyPage();
  },
  record: async (_p, { id }, ctx) => {
    const record = await loadNode(ctx, id);
    return record instanceof ResourceRecord ? record : null;
  },
  operation: async (_p, { id }, ctx) => {
    const op = await loadNode(ctx, id);
    return op instanceof Operation ? op : null;
  },
  operations: (_p, { fabricId, status, ...args }, ctx) =>
    listOperations(ctx.em, ctx.auth, {
      ...args,
      status: status ?? null,
      fabricId: fabricId ? authorizedFabricId(ctx, fabricId, 'read') : null,
    }),
  driftReport: async (_p, { id }, ctx) => {
    const report = await loadNode(ctx, id);
    return report instanceof DriftReport ? report : null;
  },
  driftReports: (_p, { fabricId, ...args }, ctx) =>
    listDriftReports(ctx.em, authorizedFabricId(ctx, fabricId, 'read'), args),
  apiTokens: (_p, args, ctx) => {
    ctx.auth.require('admin');
    return listApiTokens(ctx.em, args);
  },
  impact,
  topology,
};

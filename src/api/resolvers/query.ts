import {
  Fabric,
  GitRepository,
  Operation,
  DriftReport,
  ResourceRecord,
  ApiToken,
} from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type { GQueryResolvers } from '../generated/graphql.js';
import { fromGlobalId, parseGlobalId } from '../ids.js';
import { listApiTokens, listDriftReports, listFabrics, listOperations, listRepositories } from '../lists.js';
import { emptyPage } from '../pagination.js';
import { authorizedFabricId, requirePrincipal } from './guards.js';
import { impact } from './impact.js';
import { topology } from './topology.js';

/** Loads what a global id names, or null when it does not exist or the caller may not see it. */
async function loadNode(ctx: ApiContext, globalId: string) {
  const parsed = parseGlobalId(globalId);
  if (!parsed) return null;
  const { type, id } = parsed;
  const readable = (fabricId: string) => ctx.auth.can('read', fabricId);
  switch (type) {
    case 'Fabric': {
      return readable(id) ? ctx.loaders.fabric.load(id) : null;
    }
    case 'Record': {
      const record = await ctx.loaders.record.load(id);
      return record && readable(record.fabric.id) ? record : null;
    }
    case 'GitRepository': {
      const repo = await ctx.loaders.repository.load(id);
      const users = repo ? await ctx.loaders.fabricsOfRepository.load(id) : [];
      return repo && ctx.auth.canSeeRepository(users.map((f) => f.id)) ? repo : null;
    }
    case 'Operation': {
      const op = await ctx.em.findOne(Operation, id);
      return op && readable(op.fabric.id) ? op : null;
    }
    case 'DriftReport': {
      const report = await ctx.em.findOne(DriftReport, id);
      return report && readable(report.fabric.id) ? report : null;
    }
    case 'ApiToken':
      return ctx.auth.isAdmin ? ctx.em.findOne(ApiToken, { id, revokedAt: null }) : null;
  }
}

export const Query: GQueryResolvers<ApiContext> = {
  node: (_p, { id }, ctx) => loadNode(ctx, id),
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

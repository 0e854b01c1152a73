import type { ApiContext } from '../context.js';
import type { GMutationResolvers } from '../generated/graphql.js';
import { fromGlobalId, toGlobalId } from '../ids.js';
import { Operation } from '../../store/entities/index.js';
import { authorizedFabricId } from './guards.js';
import { writeBackMutations } from './write-back.js';
import { notFound } from '../../domain/errors.js';
import type { OperationRequest } from '../../sync/operation-service.js';
import { setSuspension } from '../services/fabric-suspension.js';

const repositoryId = (id: string) => fromGlobalId(id, 'GitRepository', 'id');

/** A fabric input's repository, by database id (who may set it is the caller's check). */
const fabricRepositoryId = (id: string | null | undefined): string | null | undefined =>
  id == null ? id : fromGlobalId(id, 'GitRepository', 'input.repositoryId');

/** A CONFLICT with another fabric names it only to a caller that may read it. */
const readableBy = (ctx: ApiContext) => (fabricId: string) => ctx.auth.can('read', fabricId);

async function operationFabric(ctx: ApiContext, operationId: string): Promise<string> {
  const op = await ctx.em.findOne(Operation, operationId, { fields: ['fabric'] });
  if (!op || !ctx.auth.can('read', op.fabric.id)) throw notFound('operation', operationId);
  return op.fabric.id;
}

/** suspendFabric/resumeFabric: an operate action, like the syncs it holds back. */
const changeSuspension = (ctx: ApiContext, id: string, suspended: boolean, reason?: string | null) =>
  setSuspension({ em: ctx.em, events: ctx.services.events }, authorizedFabricId(ctx, id, 'operate', 'id'), {
    suspended,
    reason,
    by: ctx.auth.principal?.name ?? 'unknown',
  });

/** Starts an operation on a fabric the caller may operate, recording who asked. */
const startOperation = (
  ctx: ApiContext,
  fabricId: string,
  request: Omit<OperationRequest, 'fabricId' | 'requestedBy'>,
) =>
  ctx.services.operations.start({
    ...request,
    fabricId: authorizedFabricId(ctx, fabricId, 'operate'),
    requestedBy: ctx.auth.principal?.name ?? 'unknown',
  });

export const Mutation: GMutationResolvers<ApiContext> = {
  createRepository: (_p, { input }, ctx) => {
    ctx.auth.require('admin');
    return ctx.services.repositories.create(input);
  },
  updateRepository: (_p, { id, input }, ctx) => {
    ctx.auth.require('admin');
    return ctx.services.repositories.update(repositoryId(id), input);
  },
  deleteRepository: async (_p, { id }, ctx) => {
    ctx.auth.require('admin');
    await ctx.services.repositories.delete(repositoryId(id));
    return id;
  },
  testRepositoryConnection: async (_p, { id }, ctx) => {
    const repoId = repositoryId(id);
    const users = await ctx.loaders.fabricsOfRepository.load(repoId);
    ctx.auth.requireRepository(
      'operate',
      repoId,
      users.map((f) => f.id),
    );
    return ctx.services.repositories.testConnection(repoId);
  },
  createFabric: (_p, { input }, ctx) => {
    ctx.auth.require('edit');
    return ctx.services.fabrics.create(
      { ...input, repositoryId: fabricRepositoryId(input.repositoryId) },
      readableBy(ctx),
    );
  },
  updateFabric: async (_p, { id, input }, ctx) => {
    const fabricId = fromGlobalId(id, 'Fabric', 'id');
    ctx.auth.requireFabricUpdate(fabricId, input);
    return ctx.services.fabrics.update(
      fabricId,
      { ...input, repositoryId: fabricRepositoryId(input.repositoryId) },
      readableBy(ctx),
    );
  },
  deleteFabric: async (_p, { id }, ctx) => {
    const fabricId = fromGlobalId(id, 'Fabric', 'id');
    ctx.auth.require('read', fabricId); // NOT_FOUND for fabrics the caller cannot see
    ctx.auth.require('edit');
    await ctx.services.fabrics.delete(fabricId);
    return toGlobalId('Fabric', fabricId);
  },
  syncFabric: (_p, { fabricId }, ctx) =>
    startOperation(ctx, fabricId, { type: 'GIT_SYNC', trigger: 'MANUAL' }),
  applyFabric: (_p, { fabricId, dryRun }, ctx) =>
    startOperation(ctx, fabricId, { type: 'APPLY', dryRun: dryRun ?? false }),
  checkDrift: (_p, { fabricId }, ctx) => startOperation(ctx, fabricId, { type: 'DRIFT_CHECK' }),
  reconcileFabric: (_p, { fabricId }, ctx) => startOperation(ctx, fabricId, { type: 'RECONCILE' }),
  testFabricConnection: async (_p, { id }, ctx) => {
    const fabricId = authorizedFabricId(ctx, id, 'operate', 'id');
    return { fabricId, result: await ctx.services.clusters.testConnection(fabricId) };
  },
  suspendFabric: (_p, { id, reason }, ctx) => changeSuspension(ctx, id, true, reason),
  resumeFabric: (_p, { id }, ctx) => changeSuspension(ctx, id, false),
  cancelOperation: async (_p, { id }, ctx) => {
    const opId = fromGlobalId(id, 'Operation', 'id');
    ctx.auth.require('operate', await operationFabric(ctx, opId));
    return ctx.services.operations.cancel(opId);
  },
  ...writeBackMutations,
  createApiToken: async (_p, { input }, ctx) => {
    ctx.auth.require('admin');
    return ctx.services.tokens.create({
      name: input.name,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      grants: input.grants.map((g, i) => ({
        role: g.role,
        fabricId: g.fabricId ? fromGlobalId(g.fabricId, 'Fabric', `input.grants[${i}].fabricId`) : null,
      })),
    });
  },
  revokeApiToken: async (_p, { id }, ctx) => {
    ctx.auth.require('admin');
    await ctx.services.tokens.revoke(fromGlobalId(id, 'ApiToken', 'id'));
    return id;
  },
};

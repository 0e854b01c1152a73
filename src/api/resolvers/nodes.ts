/**
 * Object identification (Relay): what a global id names, for `node(id)` and `nodes(ids)`, or null
 * when it does not exist or the caller may not read it. Every type loads through a DataLoader, so
 * `nodes` of many ids is one statement per type, not per id.
 */
import { badInput } from '../../domain/errors.js';
import { topologyNodeOf } from '../../domain/topology.js';
import type { ApiContext } from '../context.js';
import { MAX_NODES, parseGlobalId, toGlobalId } from '../ids.js';
import { NotificationSink } from '../../store/entities/index.js';

export async function loadNode(ctx: ApiContext, globalId: string) {
  const parsed = parseGlobalId(globalId);
  if (!parsed) return null;
  const { type, id } = parsed;
  const readable = <T extends { fabric: { id: string } }>(row: T | null) =>
    row && ctx.auth.can('read', row.fabric.id) ? row : null;
  switch (type) {
    case 'Fabric':
      return ctx.auth.can('read', id) ? ctx.loaders.fabric.load(id) : null;
    case 'Record':
      return readable(await ctx.loaders.record.load(id));
    case 'TopologyNode': {
      const record = readable(await ctx.loaders.record.load(id));
      if (record?.kind !== 'Switch' && record?.kind !== 'Server') return null;
      return topologyNodeOf({ ...record, id: toGlobalId('TopologyNode', record.id) });
    }
    case 'GitRepository': {
      const repo = await ctx.loaders.repository.load(id);
      const users = repo ? await ctx.loaders.fabricsOfRepository.load(id) : [];
      return repo && ctx.auth.canSeeRepository(users.map((f) => f.id)) ? repo : null;
    }
    case 'Operation':
      return readable(await ctx.loaders.operation.load(id));
    case 'DriftReport':
      return readable(await ctx.loaders.driftReport.load(id));
    case 'ApiToken':
      return ctx.auth.isAdmin ? ctx.loaders.apiToken.load(id) : null;
    case 'NotificationSink':
      return readable(await ctx.em.findOne(NotificationSink, id));
  }
}

export function loadNodes(ctx: ApiContext, globalIds: readonly string[]) {
  if (globalIds.length > MAX_NODES) throw badInput('ids', `at most ${MAX_NODES} ids`);
  return Promise.all(globalIds.map((id) => loadNode(ctx, id)));
}

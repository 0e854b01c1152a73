/**
 * Edges between records as GraphQL fields, generated from the one table of reference kinds
 * (domain/reference-edges.ts): each edge gives its referring kind a field and its target kind the
 * inverse field. A reference naming nothing resolves to null (single) or is left out (list).
 */
import { EDGES, type EdgeName } from '../../domain/reference-edges.js';
import type { ResourceRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import { nameKey } from '../graph-loaders.js';

/** Edges whose referring object names exactly one target; the others are lists. */
const SINGLE: ReadonlySet<EdgeName> = new Set([
  'vpcIpv4Namespace',
  'vpcVlanNamespace',
  'attachmentVpc',
  'attachmentConnection',
  'externalIpv4Namespace',
  'extAttachmentExternal',
  'extAttachmentConnection',
  'extPeeringVpc',
  'extPeeringExternal',
  'connectionWithinVpc',
  'switchRedundancyGroup',
]);

/** Profiles are not records: their edges stay string fields. */
const RECORD_EDGES = (Object.keys(EDGES) as EdgeName[]).filter(
  (name) => !EDGES[name].targetKind.endsWith('Profile'),
);

type FieldResolver = (record: ResourceRecord, args: unknown, ctx: ApiContext) => Promise<unknown>;

async function targets(record: ResourceRecord, edge: EdgeName, ctx: ApiContext): Promise<ResourceRecord[]> {
  const refs = (await ctx.loaders.graph.outgoing.load(record.id)).filter((r) => r.edge === edge);
  const keys = [...new Set(refs.map((r) => nameKey(record.fabric.id, r.targetKind, r.targetName)))];
  const found = await ctx.loaders.graph.recordByName.loadMany(keys);
  return found.filter((r): r is ResourceRecord => r !== null && !(r instanceof Error));
}

async function sources(record: ResourceRecord, edge: EdgeName, ctx: ApiContext): Promise<ResourceRecord[]> {
  const refs = await ctx.loaders.graph.incoming.load(nameKey(record.fabric.id, record.kind, record.name));
  const unique = new Map(refs.filter((r) => r.edge === edge).map((r) => [r.record.id, r.record]));
  return [...unique.values()];
}

/** `{ VPC: { attachments: resolver, … }, VPCAttachment: { vpc: resolver, … } }` for every record edge. */
export function edgeResolvers(): Record<string, Record<string, FieldResolver>> {
  const byType: Record<string, Record<string, FieldResolver>> = {};
  const add = (type: string, field: string, resolve: FieldResolver) =>
    ((byType[type] ??= {})[field] = resolve);
  for (const name of RECORD_EDGES) {
    const def = EDGES[name];
    add(def.fromKind, def.edge, async (record, _a, ctx) => {
      const found = await targets(record, name, ctx);
      return SINGLE.has(name) ? (found[0] ?? null) : found;
    });
    add(def.targetKind, def.inverse, (record, _a, ctx) => sources(record, name, ctx));
  }
  return byType;
}

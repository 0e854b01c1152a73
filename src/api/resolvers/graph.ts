/**
 * Edges between records as GraphQL fields, generated from the one table of reference kinds
 * (domain/reference-edges.ts): each edge gives its referring kind a field and its target kind the
 * inverse field. Derived edges (domain/derived-edges.ts) walk several references, one batched hop
 * at a time; edges to subnets and ports read the parent's own spec. A reference naming nothing
 * resolves to null (single) or is left out (list).
 */
import { DERIVED_EDGES, followPath, type ReferenceReader } from '../../domain/derived-edges.js';
import { attachmentSubnet, devicePorts } from '../../domain/member-edges.js';
import { EDGES, type EdgeName } from '../../domain/reference-edges.js';
import type { ResourceRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type {
  GServerPortResolvers,
  GSwitchPortResolvers,
  GVpcSubnetResolvers,
} from '../generated/graphql.js';
import { nameKey } from '../graph-loaders.js';
import { vpcSubnets } from './record.js';

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

type FieldResolver = (record: ResourceRecord, args: unknown, ctx: ApiContext) => unknown;

const found = (records: readonly (ResourceRecord | null | Error)[]) =>
  records.filter((r): r is ResourceRecord => r !== null && !(r instanceof Error));

/** References of one fabric through the request's DataLoaders: each call is one batched lookup. */
function readerOf(ctx: ApiContext, fabricId: string): ReferenceReader<ResourceRecord> {
  const { outgoing, incoming, recordByName } = ctx.loaders.graph;
  return {
    targets: async (records, edge) =>
      (await outgoing.loadMany(records.map((r) => r.id))).map((refs) =>
        refs instanceof Error
          ? []
          : refs.filter((r) => r.edge === edge).map((r) => ({ kind: r.targetKind, name: r.targetName })),
      ),
    sources: async (targets, edge) =>
      (await incoming.loadMany(targets.map((t) => nameKey(fabricId, t.kind, t.name)))).map((refs) =>
        refs instanceof Error
          ? []
          : [...new Map(refs.filter((r) => r.edge === edge).map((r) => [r.record.id, r.record])).values()],
      ),
    records: async (targets) =>
      (await recordByName.loadMany(targets.map((t) => nameKey(fabricId, t.kind, t.name)))).map((r) =>
        r instanceof Error ? null : r,
      ),
  };
}

/** The records `record` names along `edge`, in the order it names them. */
async function targets(record: ResourceRecord, edge: EdgeName, ctx: ApiContext): Promise<ResourceRecord[]> {
  const read = readerOf(ctx, record.fabric.id);
  const [named = []] = await read.targets([record], edge);
  const unique = [...new Map(named.map((t) => [`${t.kind}/${t.name}`, t])).values()];
  return found(await read.records(unique));
}

/** The records that name `record` along `edge`, by kind and name. */
async function sources(record: ResourceRecord, edge: EdgeName, ctx: ApiContext): Promise<ResourceRecord[]> {
  const [referrers = []] = await readerOf(ctx, record.fabric.id).sources([record], edge);
  return referrers;
}

/** A switch or server port of a connection, and where to find the device it names. */
export interface PortView {
  readonly port: string;
  readonly fabricId: string;
  readonly kind: 'Switch' | 'Server';
  readonly device: string | undefined;
}

export interface EndpointView {
  readonly role: string;
  readonly field: string;
  readonly switch: PortView | null;
  readonly server: PortView | null;
}

const endpointsOf = (connection: ResourceRecord): EndpointView[] =>
  devicePorts(connection.spec).map(({ role, field, kind, port, device }) => {
    const end = { port, fabricId: connection.fabric.id, kind, device };
    return { role, field, switch: kind === 'Switch' ? end : null, server: kind === 'Server' ? end : null };
  });

/** `{ VPC: { attachments: resolver, … }, VPCAttachment: { vpc: resolver, … } }` for every record edge. */
export function edgeResolvers(): Record<string, Record<string, FieldResolver>> {
  const byType: Record<string, Record<string, FieldResolver>> = {};
  const add = (type: string, field: string, resolve: FieldResolver) =>
    ((byType[type] ??= {})[field] = resolve);
  for (const name of RECORD_EDGES) {
    const def = EDGES[name];
    add(def.fromKind, def.edge, async (record, _a, ctx) => {
      const named = await targets(record, name, ctx);
      return SINGLE.has(name) ? (named[0] ?? null) : named;
    });
    add(def.targetKind, def.inverse, (record, _a, ctx) => sources(record, name, ctx));
  }
  for (const def of Object.values(DERIVED_EDGES)) {
    add(def.kind, def.field, async (record, _a, ctx) => {
      const reached = await followPath(record, def, readerOf(ctx, record.fabric.id));
      return def.single ? (reached[0] ?? null) : reached;
    });
  }
  add('VPCAttachment', 'subnet', async (attachment, _a, ctx) => {
    const named = attachmentSubnet(attachment.spec['subnet']);
    const [vpc] = await targets(attachment, 'attachmentVpc', ctx);
    return (vpc && vpcSubnets(vpc).find((s) => s.name === named?.subnet)) ?? null;
  });
  add('Connection', 'endpoints', endpointsOf);
  return byType;
}

const deviceOf = ({ fabricId, kind, device }: PortView, _a: unknown, ctx: ApiContext) =>
  device === undefined ? null : ctx.loaders.graph.recordByName.load(nameKey(fabricId, kind, device));

/** Resolvers of the types that are parts of records: VPC subnets and connection ports. */
export const partResolvers = {
  VPCSubnet: {
    attachments: async (subnet, _a, ctx) =>
      (await sources(subnet.vpc, 'attachmentVpc', ctx)).filter(
        (a) => attachmentSubnet(a.spec['subnet'])?.subnet === subnet.name,
      ),
  } satisfies GVpcSubnetResolvers<ApiContext>,
  SwitchPort: { record: deviceOf } satisfies GSwitchPortResolvers<ApiContext>,
  ServerPort: { record: deviceOf } satisfies GServerPortResolvers<ApiContext>,
};

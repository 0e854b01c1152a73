/**
 * The Record interface and one GraphQL type per kind. Common fields are shared; typed fields read the
 * stored spec (which the git sync validated against the kind's schema).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../domain/manifest.js';
import { connectionTypesOf } from '../../domain/connection-endpoints.js';
import type { ResourceRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type { GRecordResolvers } from '../generated/graphql.js';
import { toGlobalId } from '../ids.js';

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
const int = (v: JsonValue | undefined): number | null => (typeof v === 'number' ? v : null);
const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const obj = (v: JsonValue | undefined): JsonObject => (isJsonObject(v) ? v : {});
const spec = (r: ResourceRecord) => r.spec;

/** A VPC's subnets as the VPCSubnet type shows them, each with its VPC (for its attachments). */
export const vpcSubnets = (vpc: ResourceRecord) =>
  Object.entries(obj(spec(vpc)['subnets'])).map(([name, value]) => {
    const subnet = obj(value);
    return {
      name,
      cidr: str(subnet['subnet']),
      gateway: str(subnet['gateway']),
      vlan: int(subnet['vlan']),
      dhcp: subnet['dhcp'] ?? null,
      vpc,
    };
  });

export type VpcSubnetView = ReturnType<typeof vpcSubnets>[number];

/** Fields every kind type shares. */
const common = {
  id: (r: ResourceRecord) => toGlobalId('Record', r.id),
  fabric: async (r: ResourceRecord, _a: unknown, ctx: ApiContext) =>
    (await ctx.loaders.fabric.load(r.fabric.id))!,
  source: (r: ResourceRecord) => (r.sourceFile ? r : null),
  live: (r: ResourceRecord) => (r.liveUid || r.liveHash ? r : null),
};

export const Record: GRecordResolvers<ApiContext> = {
  __resolveType: (r) => r.kind as never,
};

export const RecordSource = {
  file: (r: ResourceRecord) => r.sourceFile,
  documentIndex: (r: ResourceRecord) => r.sourceDocument ?? 0,
  line: (r: ResourceRecord) => r.sourceLine,
  commit: (r: ResourceRecord) => r.sourceCommit,
};

export const LiveState = {
  uid: (r: ResourceRecord) => r.liveUid,
  resourceVersion: (r: ResourceRecord) => r.liveResourceVersion,
  generation: (r: ResourceRecord) => r.liveGeneration,
  hash: (r: ResourceRecord) => r.liveHash,
  seenAt: (r: ResourceRecord) => r.liveSeenAt,
};

export const kindTypes = {
  VLANNamespace: {
    ...common,
    ranges: (r: ResourceRecord) =>
      (Array.isArray(spec(r)['ranges']) ? (spec(r)['ranges'] as JsonValue[]) : []).map((range) => {
        const from = int(obj(range)['from']) ?? 0;
        return { from, to: int(obj(range)['to']) ?? from };
      }),
  },
  IPv4Namespace: { ...common, subnets: (r: ResourceRecord) => strings(spec(r)['subnets']) },
  SwitchGroup: common,
  Switch: {
    ...common,
    role: (r: ResourceRecord) => str(spec(r)['role']),
    profile: (r: ResourceRecord) => str(spec(r)['profile']),
    description: (r: ResourceRecord) => str(spec(r)['description']),
    asn: (r: ResourceRecord) => int(spec(r)['asn']),
    ip: (r: ResourceRecord) => str(spec(r)['ip']),
    protocolIP: (r: ResourceRecord) => str(spec(r)['protocolIP']),
    vtepIP: (r: ResourceRecord) => str(spec(r)['vtepIP']),
    groupNames: (r: ResourceRecord) => strings(spec(r)['groups']),
    vlanNamespaceNames: (r: ResourceRecord) => strings(spec(r)['vlanNamespaces']),
    redundancy: (r: ResourceRecord) => {
      const red = obj(spec(r)['redundancy']);
      return Object.keys(red).length ? { group: str(red['group']), type: str(red['type']) } : null;
    },
  },
  Server: {
    ...common,
    description: (r: ResourceRecord) => str(spec(r)['description']),
    profile: (r: ResourceRecord) => str(spec(r)['profile']),
  },
  Connection: { ...common, type: (r: ResourceRecord) => connectionTypesOf(spec(r))[0] ?? null },
  External: {
    ...common,
    ipv4NamespaceName: (r: ResourceRecord) => str(spec(r)['ipv4Namespace']),
    inboundCommunity: (r: ResourceRecord) => str(spec(r)['inboundCommunity']),
    outboundCommunity: (r: ResourceRecord) => str(spec(r)['outboundCommunity']),
    staticPrefixes: (r: ResourceRecord) =>
      spec(r)['static'] ? strings(obj(spec(r)['static'])['prefixes']) : null,
  },
  VPC: {
    ...common,
    mode: (r: ResourceRecord) => str(spec(r)['mode']),
    ipv4NamespaceName: (r: ResourceRecord) => str(spec(r)['ipv4Namespace']),
    vlanNamespaceName: (r: ResourceRecord) => str(spec(r)['vlanNamespace']),
    subnets: vpcSubnets,
  },
  ExternalAttachment: {
    ...common,
    externalName: (r: ResourceRecord) => str(spec(r)['external']),
    connectionName: (r: ResourceRecord) => str(spec(r)['connection']),
  },
  VPCAttachment: {
    ...common,
    subnetName: (r: ResourceRecord) => str(spec(r)['subnet']),
    connectionName: (r: ResourceRecord) => str(spec(r)['connection']),
    nativeVLAN: (r: ResourceRecord) =>
      typeof spec(r)['nativeVLAN'] === 'boolean' ? (spec(r)['nativeVLAN'] as boolean) : null,
  },
  VPCPeering: {
    ...common,
    vpcNames: (r: ResourceRecord) =>
      [
        ...new Set(
          (Array.isArray(spec(r)['permit']) ? (spec(r)['permit'] as JsonValue[]) : []).flatMap((p) =>
            Object.keys(obj(p)),
          ),
        ),
      ].sort(),
  },
  ExternalPeering: {
    ...common,
    vpcName: (r: ResourceRecord) => str(obj(obj(spec(r)['permit'])['vpc'])['name']),
    externalName: (r: ResourceRecord) => str(obj(obj(spec(r)['permit'])['external'])['name']),
  },
};

/**
 * Cross-object references read from specs: one definition used by validation (dangling
 * references are errors) and by the GraphQL graph (edges both ways). Defaults the webhook fills in
 * (REFERENCE §1.2, §1.5) count as references too: a VPC without ipv4Namespace needs `default`.
 */
import { connectionEndpoints, parsePortRef } from './connection-endpoints.js';
import { attachmentSubnet } from './member-edges.js';
import { EDGES, type EdgeDef, type EdgeName } from './reference-edges.js';
import { isJsonObject, type JsonObject, type JsonValue, type Manifest } from './manifest.js';

export interface Reference {
  readonly fromKind: string;
  readonly fromName: string;
  /** Path of the referring value: spec.links[0].server.port, spec.permit[0].vpc-1 */
  readonly field: string;
  readonly targetKind: string;
  readonly targetName: string;
  readonly edge: EdgeName;
  /** The device port of a Connection endpoint (`E1/1` of `leaf-1/E1/1`). */
  readonly port?: string;
  /** The VPC subnet the reference needs to exist. */
  readonly subnet?: string;
  /** The link end of a Connection endpoint: server, switch, spine, leaf, … */
  readonly role?: string;
  /** True when the value is the webhook's default, not written in the object. */
  readonly defaulted?: boolean;
  /** True for a listed subnet of a VPC the object already references (peering subnet lists). */
  readonly refinesVpc?: boolean;
}

export const edgeOf = (ref: Reference): EdgeDef => EDGES[ref.edge];

type Emit = (edge: EdgeName, field: string, targetName: string, extra?: Partial<Reference>) => void;
type Extractor = (spec: JsonObject, emit: Emit) => void;

const str = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
const objectAt = (o: JsonObject, key: string): JsonObject => {
  const v = o[key];
  return isJsonObject(v) ? v : {};
};

/** A namespace reference that the webhook defaults to `default` when empty (REFERENCE §1.2). */
function namespaceRef(emit: Emit, edge: EdgeName, field: string, value: JsonValue | undefined): void {
  const name = str(value);
  emit(edge, `spec.${field}`, name ?? 'default', name ? {} : { defaulted: true });
}

/** Subnet lists name subnets of one VPC; each becomes a reference carrying the subnet. */
function subnetRefs(
  emit: Emit,
  edge: EdgeName,
  field: string,
  vpc: string,
  subnets: JsonValue | undefined,
): void {
  strings(subnets).forEach((subnet, i) => emit(edge, `${field}[${i}]`, vpc, { subnet, refinesVpc: true }));
}

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  VPC(spec, emit) {
    namespaceRef(emit, 'vpcIpv4Namespace', 'ipv4Namespace', spec['ipv4Namespace']);
    namespaceRef(emit, 'vpcVlanNamespace', 'vlanNamespace', spec['vlanNamespace']);
    for (const [name, subnet] of Object.entries(objectAt(spec, 'subnets'))) {
      const relay = isJsonObject(subnet) ? str(objectAt(subnet, 'dhcp')['relayVPC']) : undefined;
      if (relay) emit('vpcRelay', `spec.subnets.${name}.dhcp.relayVPC`, relay);
    }
  },
  VPCAttachment(spec, emit) {
    const subnet = attachmentSubnet(spec['subnet']);
    if (subnet) emit('attachmentVpc', 'spec.subnet', subnet.vpc, { subnet: subnet.subnet });
    const connection = str(spec['connection']);
    if (connection) emit('attachmentConnection', 'spec.connection', connection);
  },
  VPCPeering(spec, emit) {
    const permit = Array.isArray(spec['permit']) ? spec['permit'] : [];
    permit.forEach((entry, i) => {
      if (!isJsonObject(entry)) return;
      for (const [vpc, side] of Object.entries(entry)) {
        emit('peeringVpc', `spec.permit[${i}].${vpc}`, vpc);
        if (isJsonObject(side))
          subnetRefs(emit, 'peeringVpc', `spec.permit[${i}].${vpc}.subnets`, vpc, side['subnets']);
      }
    });
  },
  External(spec, emit) {
    namespaceRef(emit, 'externalIpv4Namespace', 'ipv4Namespace', spec['ipv4Namespace']);
  },
  ExternalAttachment(spec, emit) {
    const external = str(spec['external']);
    if (external) emit('extAttachmentExternal', 'spec.external', external);
    const connection = str(spec['connection']);
    if (connection) emit('extAttachmentConnection', 'spec.connection', connection);
  },
  ExternalPeering(spec, emit) {
    const permit = objectAt(spec, 'permit');
    const vpcSide = objectAt(permit, 'vpc');
    const vpc = str(vpcSide['name']);
    if (vpc) {
      emit('extPeeringVpc', 'spec.permit.vpc.name', vpc);
      subnetRefs(emit, 'extPeeringVpc', 'spec.permit.vpc.subnets', vpc, vpcSide['subnets']);
    }
    const external = str(objectAt(permit, 'external')['name']);
    if (external) emit('extPeeringExternal', 'spec.permit.external.name', external);
  },
  Connection(spec, emit) {
    for (const endpoint of connectionEndpoints(spec)) {
      const parsed = parsePortRef(endpoint.value);
      if (!parsed || endpoint.targetKind === 'Gateway') continue;
      const edge = endpoint.targetKind === 'Switch' ? 'connectionSwitch' : 'connectionServer';
      emit(edge, endpoint.field, parsed.device, { port: parsed.port, role: endpoint.role });
    }
    const within = str(objectAt(spec, 'staticExternal')['withinVPC']);
    if (within) emit('connectionWithinVpc', 'spec.staticExternal.withinVPC', within);
  },
  Switch(spec, emit) {
    strings(spec['groups']).forEach((g, i) => emit('switchGroup', `spec.groups[${i}]`, g));
    const group = str(objectAt(spec, 'redundancy')['group']);
    if (group) emit('switchRedundancyGroup', 'spec.redundancy.group', group);
    const namespaces = strings(spec['vlanNamespaces']);
    namespaces.forEach((ns, i) => emit('switchVlanNamespace', `spec.vlanNamespaces[${i}]`, ns));
    if (namespaces.length === 0)
      emit('switchVlanNamespace', 'spec.vlanNamespaces', 'default', { defaulted: true });
    const profile = str(spec['profile']);
    if (profile) emit('switchProfile', 'spec.profile', profile);
  },
  Server(spec, emit) {
    const profile = str(spec['profile']);
    if (profile) emit('serverProfile', 'spec.profile', profile);
  },
};

/**
 * Every reference the object makes, in document order. A peering's subnet list adds one reference
 * per listed subnet, marked `refinesVpc`, besides the reference to the VPC itself: graph code that
 * wants one edge per VPC skips those. A VPCAttachment's single VPC reference carries its subnet.
 */
export function referencesOf(m: Manifest): Reference[] {
  const extract = EXTRACTORS[m.kind];
  if (!extract) return [];
  const refs: Reference[] = [];
  const fromName = m.metadata.name;
  extract(isJsonObject(m.spec) ? m.spec : {}, (edge, field, targetName, extra = {}) =>
    refs.push({
      fromKind: m.kind,
      fromName,
      field,
      targetKind: EDGES[edge].targetKind,
      targetName,
      edge,
      ...extra,
    }),
  );
  return refs;
}

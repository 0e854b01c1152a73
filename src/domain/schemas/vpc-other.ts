/** Spec schemas of VPCPeering, IPv4Namespace, External, ExternalAttachment, ExternalPeering (REFERENCE §2.3–§2.7). */
import type { StructuralSchema } from '../structural-schema.js';
import { bool, int, int32, list, mapOf, obj, str } from './builders.js';

export const vpcPeeringSpec: StructuralSchema = obj(
  {
    permit: list(
      mapOf(obj({ subnets: list(str(), 'subnet names; absent means all', { minItems: 1, maxItems: 10 }) })),
      'subnet sets of the two VPCs keyed by VPC name',
      { minItems: 1, maxItems: 10 },
    ),
    remote: str('deprecated, must stay empty'),
  },
  'routing between two VPCs',
);

export const ipv4NamespaceSpec: StructuralSchema = obj(
  { subnets: list(str(), 'prefixes VPC subnets are taken from', { minItems: 1, maxItems: 20 }) },
  'a pool of IPv4 prefixes',
);

export const externalSpec: StructuralSchema = obj(
  {
    ipv4Namespace: str('IPv4Namespace of the External'),
    inboundCommunity: str('community accepted from the peer, <asn>:<value>'),
    outboundCommunity: str('community added to routes sent, <asn>:<value>'),
    static: obj(
      { prefixes: list(str(), 'prefixes reached through static routes') },
      'makes the External static',
    ),
  },
  'an outside network',
);

const tcpFlags = ['ack', 'fin', 'psh', 'rst', 'syn', 'urg'] as const;
const capitalize = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
const tcpFilters = obj(
  Object.fromEntries([
    ['established', bool('established sessions only')],
    ...tcpFlags.flatMap((f) => [
      [f, bool(`${f.toUpperCase()} set`)],
      [`not${capitalize(f)}`, bool(`${f.toUpperCase()} clear`)],
    ]),
  ]) as Record<string, StructuralSchema>,
  'TCP flag filters',
);

const aclStatement = obj(
  {
    seq: int('statement order, 10 or more'),
    action: str('permit, deny, discard or transit'),
    protocol: str('ip, tcp, udp or icmp'),
    srcPrefix: str('source CIDR or any'),
    dstPrefix: str('destination CIDR or any'),
    portRangeBegin: int('first port'),
    portRangeEnd: int('last port'),
    tcpFilters,
    icmpType: int('ICMP type'),
    icmpCode: int('ICMP code'),
  },
  'one ACL statement',
  { required: ['action', 'dstPrefix', 'protocol', 'seq', 'srcPrefix'] },
);

export const externalAttachmentSpec: StructuralSchema = obj(
  {
    external: str('External reached through this attachment'),
    connection: str('external Connection it sits on'),
    switch: obj(
      { vlan: int('VLAN on the switch side, 0 = untagged'), ip: str('switch-side CIDR') },
      'BGP switch side',
    ),
    neighbor: obj({ asn: int32('peer ASN'), ip: str('peer IP') }, 'BGP neighbor'),
    static: obj(
      {
        remoteIP: str('static next hop'),
        vlan: int('VLAN on the switch side'),
        ip: str('switch-side CIDR'),
        proxy: bool('proxy ARP instead of an IP'),
      },
      'static next hop instead of BGP',
      { required: ['remoteIP'] },
    ),
    inboundACL: obj({ statements: list(aclStatement, 'ordered statements') }, 'filter for inbound traffic'),
  },
  'how a switch port reaches an External',
  { required: ['neighbor', 'switch'] },
);

export const externalPeeringSpec: StructuralSchema = obj(
  {
    permit: obj(
      {
        vpc: obj({ name: str('VPC name'), subnets: list(str(), 'subnet names') }, 'VPC side'),
        external: obj(
          {
            name: str('External name'),
            prefixes: list(obj({ prefix: str('allowed CIDR') }), 'allowed prefixes'),
          },
          'External side',
        ),
      },
      'what may be exchanged',
    ),
  },
  'routes between a VPC and an External',
);

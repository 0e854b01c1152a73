/** Spec schemas of VPC and VPCAttachment (REFERENCE §2.1, §2.2). */
import type { StructuralSchema } from '../structural-schema.js';
import { bool, int, int32, list, mapOf, obj, str } from './builders.js';

const dhcpOptions = obj(
  {
    pxeURL: str('PXE boot URL handed to clients'),
    dnsServers: list(str(), 'DNS server IPs'),
    timeServers: list(str(), 'NTP server IPs'),
    interfaceMTU: int('MTU handed to clients'),
    leaseTimeSeconds: int32('lease time in seconds'),
    disableDefaultRoute: bool('do not hand out a default route'),
    advertisedRoutes: list(
      obj({ destination: str('route prefix'), gateway: str('next hop inside the subnet') }),
      'extra routes handed to clients',
    ),
  },
  'DHCP options; only with enable',
  { required: ['interfaceMTU', 'leaseTimeSeconds'] },
);

const dhcp = obj(
  {
    enable: bool('run the fabric DHCP server for this subnet'),
    range: obj({ start: str('first leased IP'), end: str('last leased IP') }, 'lease range'),
    relay: str('DHCP relay target prefix'),
    relayVPC: str('VPC that holds the relay target'),
    options: dhcpOptions,
    static: mapOf(
      obj({ ip: str('fixed IP for this MAC') }, undefined, { required: ['ip'] }),
      'leases by MAC',
    ),
  },
  'DHCP settings of the subnet',
);

const subnet = obj(
  {
    subnet: str('subnet CIDR'),
    gateway: str('gateway IP, defaults to the first host'),
    vlan: int('VLAN carrying the subnet'),
    isolated: bool('overrides defaultIsolated'),
    restricted: bool('overrides defaultRestricted'),
    hostBGP: bool('subnet for BGP-speaking hosts'),
    dhcp,
  },
  'one VPC subnet',
);

export const vpcSpec: StructuralSchema = obj(
  {
    mode: str('empty for L2VNI, or l3vni'),
    ipv4Namespace: str('IPv4Namespace the subnets come from'),
    vlanNamespace: str('VLANNamespace the VLANs come from'),
    subnets: mapOf(subnet, 'subnets by name'),
    defaultIsolated: bool('subnets are isolated unless they say otherwise'),
    defaultRestricted: bool('subnets are restricted unless they say otherwise'),
    permit: list(list(str()), 'groups of subnets allowed to talk despite isolation'),
    staticRoutes: list(
      obj({ prefix: str('route prefix'), nextHops: list(str(), 'next hop IPs') }),
      'static routes',
    ),
  },
  'a tenant network',
);

export const vpcAttachmentSpec: StructuralSchema = obj(
  {
    subnet: str('<vpc>/<subnet>'),
    connection: str('server-facing Connection'),
    nativeVLAN: bool('carry the subnet untagged'),
  },
  'binds a VPC subnet to a Connection',
);

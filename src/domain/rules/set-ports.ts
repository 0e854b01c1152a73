/**
 * Cross-object rules about ports and what sits on a connection (REFERENCE §2.2, §2.6, §2.8).
 * Each uses one Map keyed by port or connection: linear in the number of objects.
 */
import {
  connectionEndpoints,
  connectionTypesOf,
  parsePortRef,
  physicalPort,
} from '../connection-endpoints.js';
import type { Manifest } from '../manifest.js';
import type { SetFinding, SetRule } from './types.js';
import { child, num, text } from './values.js';

interface PortEnd {
  readonly field: string;
  readonly value: string;
  /** `<device>/<physical port>`: a breakout sub-port's parent, or the port itself. */
  readonly parentKey: string;
  readonly isSub: boolean;
}

const endpointsOf = (connection: Manifest) => connectionEndpoints(connection.spec);

const portEndsOf = (connection: Manifest): PortEnd[] =>
  connectionEndpoints(connection.spec).flatMap((endpoint) => {
    const ref = parsePortRef(endpoint.value);
    if (!ref) return [];
    const parentKey = `${ref.device}/${physicalPort(ref.port)}`;
    return [{ field: endpoint.field, value: endpoint.value, parentKey, isSub: parentKey !== endpoint.value }];
  });

/** Names the connection that used a port or IP first, as seen from the one reported. */
const usedBy = (first: Manifest, reported: Manifest): string =>
  first === reported ? 'this connection' : `connection ${first.metadata.name}`;

interface PortUse {
  readonly connection: Manifest;
  readonly field: string;
  readonly value: string;
}

/**
 * Deprecated MCLAG connections are left out of the port check: the fabric skips every check of
 * one, and skips them as holders when checking another (connection_types.go, REFERENCE §1.9), so
 * an ESLAG connection replacing one is admitted while the old one still awaits its prune.
 */
const isDeprecatedMclag = (connection: Manifest): boolean =>
  connectionTypesOf(connection.spec).some((type) => type === 'mclag' || type === 'mclagDomain');

/**
 * No port is used twice, in one connection or across connections. A breakout sub-port `E1/4/1`
 * collides with the whole port `E1/4`, not with its sibling `E1/4/2`.
 */
export const portsUsedOnce: SetRule = (set) => {
  const exact = new Map<string, PortUse>();
  const whole = new Map<string, PortUse>();
  const anySub = new Map<string, PortUse>();
  const found: SetFinding[] = [];
  for (const connection of set.ofKind('Connection')) {
    if (set.derived(connection, isDeprecatedMclag)) continue;
    for (const endpoint of set.derived(connection, portEndsOf)) {
      const { parentKey, isSub } = endpoint;
      const use = { connection, field: endpoint.field, value: endpoint.value };
      const clash = exact.get(endpoint.value) ?? (isSub ? whole.get(parentKey) : anySub.get(parentKey));
      if (clash) {
        found.push({
          subject: connection,
          field: endpoint.field,
          message: `port ${endpoint.value} is already used by ${usedBy(clash.connection, connection)} (${clash.value} at ${clash.field})`,
        });
        continue;
      }
      exact.set(endpoint.value, use);
      if (isSub) anySub.set(parentKey, anySub.get(parentKey) ?? use);
      else whole.set(parentKey, use);
    }
  }
  return found;
};

const ADDRESSED_LINKS = ['fabric', 'mesh', 'gateway'];

/** Fabric, mesh and gateway link IPs are unique fabric-wide (REFERENCE §2.8). */
export const linkIpsUnique: SetRule = (set) => {
  const first = new Map<string, { connection: Manifest; field: string }>();
  const found: SetFinding[] = [];
  for (const connection of set.ofKind('Connection')) {
    for (const endpoint of set.derived(connection, endpointsOf)) {
      const ip = text(endpoint.end['ip']).split('/')[0] ?? '';
      if (!ADDRESSED_LINKS.includes(endpoint.type) || ip === '') continue;
      const field = endpoint.field.replace(/\.port$/, '.ip');
      const earlier = first.get(ip);
      if (earlier) {
        found.push({
          subject: connection,
          field,
          message: `link IP ${ip} is already used by ${usedBy(earlier.connection, connection)} at ${earlier.field}`,
        });
      } else first.set(ip, { connection, field });
    }
  }
  return found;
};

/** Per connection: a subnet is attached once, and at most one attachment is the native VLAN. */
export const attachmentsPerConnection: SetRule = (set) => {
  const pairs = new Map<string, Manifest>();
  const native = new Map<string, Manifest>();
  const found: SetFinding[] = [];
  for (const subject of set.ofKind('VPCAttachment')) {
    const connection = text(subject.spec?.['connection']);
    const pair = `${connection} ${text(subject.spec?.['subnet'])}`;
    const twin = pairs.get(pair);
    if (twin)
      found.push({
        subject,
        field: 'spec.subnet',
        message: `subnet ${text(subject.spec?.['subnet'])} is already attached to ${connection} by ${twin.metadata.name}`,
      });
    else pairs.set(pair, subject);
    if (subject.spec?.['nativeVLAN'] !== true) continue;
    const first = native.get(connection);
    if (first)
      found.push({
        subject,
        field: 'spec.nativeVLAN',
        message: `connection ${connection} already has a native VLAN attachment: ${first.metadata.name}`,
      });
    else native.set(connection, subject);
  }
  return found;
};

/** ExternalAttachments on one connection use distinct VLANs (switch.vlan, or static.vlan). */
export const externalVlansPerConnection: SetRule = (set) => {
  const seen = new Map<string, Manifest>();
  const found: SetFinding[] = [];
  for (const subject of set.ofKind('ExternalAttachment')) {
    const staticVlan = num(child(subject.spec, 'static')?.['vlan']);
    const vlan = staticVlan ?? num(child(subject.spec, 'switch')?.['vlan']) ?? 0;
    const key = `${text(subject.spec?.['connection'])} ${vlan}`;
    const first = seen.get(key);
    const field = staticVlan !== undefined ? 'spec.static.vlan' : 'spec.switch.vlan';
    if (first)
      found.push({
        subject,
        field,
        message: `VLAN ${vlan} is already used on connection ${text(subject.spec?.['connection'])} by ${first.metadata.name}`,
      });
    else seen.set(key, subject);
  }
  return found;
};

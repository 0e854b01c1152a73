/** Connection rules of one object (REFERENCE §1.9, §2.8). Port uniqueness across connections is a set rule. */
import {
  CONNECTION_TYPES,
  connectionEndpoints,
  connectionTypesOf,
  devicesOf,
  parsePortRef,
  type ConnectionType,
  type Endpoint,
} from '../connection-endpoints.js';
import { containsIp, overlappingPairs } from '../ipv4.js';
import type { JsonObject } from '../manifest.js';
import type { Finding, ObjectRule, RuleSettings } from './types.js';
import { child, finding, ipAt, items, num, prefixAt, text } from './values.js';

/** How many distinct switches and servers each type joins (§2.8). */
const DEVICE_COUNTS: Partial<
  Record<ConnectionType, { switches: [number, number]; servers: [number, number] }>
> = {
  unbundled: { switches: [1, 1], servers: [1, 1] },
  bundled: { switches: [1, 1], servers: [1, 1] },
  eslag: { switches: [1, 4], servers: [1, 1] },
  fabric: { switches: [2, 2], servers: [0, 0] },
  mesh: { switches: [2, 2], servers: [0, 0] },
  gateway: { switches: [1, 1], servers: [0, 0] },
};

function checkDeviceCounts(type: ConnectionType, endpoints: readonly Endpoint[]): Finding[] {
  const counts = DEVICE_COUNTS[type];
  if (!counts) return [];
  const found: Finding[] = [];
  for (const [label, kind, [min, max]] of [
    ['switches', 'Switch', counts.switches],
    ['servers', 'Server', counts.servers],
  ] as const) {
    const n = devicesOf(endpoints, kind).size;
    if (n < min || n > max) {
      const expected = min === max ? `${min}` : `${min}–${max}`;
      found.push(
        finding(
          `spec.${type}`,
          `a ${CONNECTION_TYPES[type]} connection joins ${expected} ${label}, this one joins ${n}`,
        ),
      );
    }
  }
  return found;
}

/** Link IPs are /31s, and both ends of a link share one /31 (fabric, mesh, gateway). */
function checkLinkIps(type: ConnectionType, member: JsonObject): Finding[] {
  return items(member, 'links').flatMap((link, i) => {
    const ends = Object.entries(link as JsonObject).filter(
      ([, end]) => text((end as JsonObject)['ip']) !== '',
    );
    const prefixes = ends.map(([role, end]) => ({ role, prefix: prefixAt((end as JsonObject)['ip']) }));
    const found = prefixes
      .filter((p) => p.prefix?.length !== 31)
      .map((p) => finding(`spec.${type}.links[${i}].${p.role}.ip`, 'link IPs must be /31 prefixes'));
    const [a, b] = prefixes;
    if (
      found.length === 0 &&
      a?.prefix &&
      b?.prefix &&
      (a.prefix.network !== b.prefix.network || a.prefix.address === b.prefix.address)
    ) {
      found.push(
        finding(`spec.${type}.links[${i}]`, `${a.role} and ${b.role} need two different IPs of the same /31`),
      );
    }
    return found;
  });
}

/** Both ends of every loopback link are on the same switch. */
function checkLoopback(endpoints: readonly Endpoint[]): Finding[] {
  const switches = devicesOf(endpoints, 'Switch');
  return switches.size > 1
    ? [
        finding(
          'spec.vpcLoopback',
          `vpcLoopback links stay on one switch, these use ${[...switches].join(', ')}`,
        ),
      ]
    : [];
}

/** nextHop inside the link IP's network; subnets valid, not overlapping; 0.0.0.0/0 only alone. */
function checkStaticExternal(member: JsonObject): Finding[] {
  const sw = child(child(member, 'link'), 'switch');
  const at = 'spec.staticExternal.link.switch';
  const found: Finding[] = [];
  const ip = prefixAt(sw?.['ip']);
  const nextHop = ipAt(sw?.['nextHop']);
  if (ip && nextHop !== undefined && !containsIp(ip, nextHop))
    found.push(finding(`${at}.nextHop`, `nextHop must lie inside ${text(sw?.['ip'])}`));
  const subnets = items(sw, 'subnets');
  const parsed = subnets.map(prefixAt);
  parsed.forEach((p, i) => {
    if (!p) found.push(finding(`${at}.subnets[${i}]`, `"${text(subnets[i])}" is not an IPv4 CIDR`));
  });
  if (subnets.length > 1 && subnets.includes('0.0.0.0/0'))
    found.push(finding(`${at}.subnets`, '0.0.0.0/0 is only allowed on its own'));
  else {
    const valid = parsed.flatMap((p, i) => (p ? [{ p, i }] : []));
    for (const [, b] of overlappingPairs(valid.map((v) => v.p)))
      found.push(finding(`${at}.subnets[${valid[b]!.i}]`, 'subnets must not overlap'));
  }
  return found;
}

function checkMtu(type: ConnectionType, member: JsonObject, { serverMtuLimit }: RuleSettings): Finding[] {
  const mtu = num(member['mtu']);
  if ((type !== 'unbundled' && type !== 'bundled') || mtu === undefined || mtu <= serverMtuLimit) return [];
  return [finding(`spec.${type}.mtu`, `mtu ${mtu} exceeds the server-facing limit ${serverMtuLimit}`)];
}

function checkType(
  type: ConnectionType,
  member: JsonObject,
  settings: RuleSettings,
  endpoints: Endpoint[],
): Finding[] {
  // Deprecated MCLAG connections are admitted with a warning and no other validation (§1.9).
  if (type === 'mclag' || type === 'mclagDomain') return [];
  const bad = endpoints
    .filter((e) => !parsePortRef(e.value))
    .map((e) => finding(e.field, `port "${e.value}" must look like <device>/<port>`));
  return [
    ...bad,
    ...checkDeviceCounts(type, endpoints),
    ...(type === 'fabric' || type === 'mesh' || type === 'gateway' ? checkLinkIps(type, member) : []),
    ...(type === 'vpcLoopback' ? checkLoopback(endpoints) : []),
    ...(type === 'staticExternal' ? checkStaticExternal(member) : []),
    ...checkMtu(type, member, settings),
  ];
}

export const connectionRule: ObjectRule = {
  kind: 'Connection',
  check(spec, _m, settings) {
    const types = connectionTypesOf(spec);
    if (types.length !== 1) {
      const names = Object.keys(CONNECTION_TYPES).join(', ');
      const set = types.length === 0 ? 'none' : types.join(', ');
      return [finding('spec', `a Connection sets exactly one of ${names}; this one sets ${set}`)];
    }
    const type = types[0]!;
    return checkType(type, child(spec, type) ?? {}, settings, connectionEndpoints(spec));
  },
};

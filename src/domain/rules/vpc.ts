/** VPC webhook rules checkable offline (REFERENCE §1.9, §2.1). */
import { containsIp, isNetworkAddress, overlappingPairs, type Prefix } from '../ipv4.js';
import type { JsonObject } from '../manifest.js';
import { checkDhcp } from './vpc-dhcp.js';
import type { Finding, ObjectRule } from './types.js';
import { entries, finding, ipAt, items, num, prefixAt, text } from './values.js';

const MODES = ['', 'l3vni'];

/** Mode is empty (L2VNI) or l3vni; l3flat is refused as "not supported yet" (§1.9). */
function checkMode(spec: JsonObject): Finding[] {
  const mode = text(spec['mode']);
  if (MODES.includes(mode)) return [];
  if (mode === 'l3flat') return [finding('spec.mode', 'VPC mode l3flat is not supported yet by the fabric')];
  return [finding('spec.mode', `unknown VPC mode ${mode}: use empty (L2VNI) or l3vni`)];
}

/** One subnet: CIDR at most /30, gateway inside, VLAN 1–4094 unless hostBGP (§2.1). */
function checkSubnet(name: string, subnet: JsonObject): Finding[] {
  const at = `spec.subnets.${name}`;
  const prefix = prefixAt(subnet['subnet']);
  if (!prefix)
    return [
      finding(`${at}.subnet`, `subnet ${name} needs a valid IPv4 CIDR, got "${text(subnet['subnet'])}"`),
    ];
  const found: Finding[] = [];
  if (prefix.length > 30)
    found.push(finding(`${at}.subnet`, `subnet ${name} is /${prefix.length}; at most /30 is allowed`));
  const hostBGP = subnet['hostBGP'] === true;
  const gateway = ipAt(subnet['gateway']);
  if (!hostBGP && (gateway === undefined || !containsIp(prefix, gateway))) {
    found.push(
      finding(
        `${at}.gateway`,
        `gateway ${text(subnet['gateway'])} must be an IP inside ${text(subnet['subnet'])}`,
      ),
    );
  }
  const vlan = num(subnet['vlan']) ?? 0;
  if (!(hostBGP && vlan === 0) && (vlan < 1 || vlan > 4094)) {
    found.push(finding(`${at}.vlan`, `subnet ${name} needs a VLAN between 1 and 4094, got ${vlan}`));
  }
  return [...found, ...checkDhcp(at, subnet, prefix)];
}

function checkSubnetOverlap(subnets: [string, JsonObject][]): Finding[] {
  const parsed = subnets.flatMap(([name, s]) => {
    const prefix = prefixAt(s['subnet']);
    return prefix ? [{ name, prefix }] : [];
  });
  return overlappingPairs(parsed.map((p) => p.prefix)).map(([a, b]) =>
    finding(
      `spec.subnets.${parsed[b]!.name}.subnet`,
      `subnet ${parsed[b]!.name} overlaps subnet ${parsed[a]!.name} of the same VPC`,
    ),
  );
}

/** Each permit list names at least 2 distinct subnets of this VPC (§2.1). */
function checkPermit(spec: JsonObject, subnetNames: ReadonlySet<string>): Finding[] {
  return items(spec, 'permit').flatMap((group, i) => {
    const names = Array.isArray(group) ? group.map(text) : [];
    const found: Finding[] = [];
    if (new Set(names).size < 2)
      found.push(finding(`spec.permit[${i}]`, 'a permit list names at least 2 distinct subnets'));
    names.forEach((n, j) => {
      if (!subnetNames.has(n))
        found.push(
          finding(`spec.permit[${i}][${j}]`, `permit names subnet ${n}, which this VPC does not have`),
        );
    });
    return found;
  });
}

/** Static routes: the prefix is a network address, with at least one valid next hop (§2.1). */
function checkStaticRoutes(spec: JsonObject): Finding[] {
  return items(spec, 'staticRoutes').flatMap((route, i) => {
    const at = `spec.staticRoutes[${i}]`;
    const r = route as JsonObject;
    const prefix: Prefix | undefined = prefixAt(r['prefix']);
    const found: Finding[] = [];
    if (!prefix || !isNetworkAddress(prefix))
      found.push(
        finding(`${at}.prefix`, `static route prefix ${text(r['prefix'])} must be a network address CIDR`),
      );
    const hops = items(r, 'nextHops');
    if (hops.length === 0)
      found.push(finding(`${at}.nextHops`, 'a static route needs at least one next hop'));
    hops.forEach((h, j) => {
      if (ipAt(h) === undefined)
        found.push(finding(`${at}.nextHops[${j}]`, `next hop ${text(h)} is not an IPv4 address`));
    });
    return found;
  });
}

export const vpcRule: ObjectRule = {
  kind: 'VPC',
  check(spec) {
    const subnets = entries(spec, 'subnets');
    const count: Finding[] =
      subnets.length < 1 || subnets.length > 20
        ? [finding('spec.subnets', `a VPC has 1 to 20 subnets, this one has ${subnets.length}`)]
        : [];
    return [
      ...checkMode(spec),
      ...count,
      ...subnets.flatMap(([name, s]) => checkSubnet(name, s)),
      ...checkSubnetOverlap(subnets),
      ...checkPermit(spec, new Set(subnets.map(([n]) => n))),
      ...checkStaticRoutes(spec),
    ];
  },
};

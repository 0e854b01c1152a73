/** Switch, VLANNamespace and IPv4Namespace rules of one object (REFERENCE §2.4, §2.9, §2.12). */
import { overlappingPairs, parsePrefix } from '../ipv4.js';
import { isJsonObject } from '../manifest.js';
import type { Finding, ObjectRule } from './types.js';
import { child, finding, items, num, prefixAt, text } from './values.js';

/**
 * redundancy.group and redundancy.type are both set or both empty; addresses well-formed when set.
 * The webhook also requires asn, ip and protocolIP, but hhfab fills those in before install
 * (REFERENCE §1.8): hand-written, unhydrated wiring like the lab-ci sample is valid Git content, so
 * they are checked only when present.
 */
export const switchRule: ObjectRule = {
  kind: 'Switch',
  check(spec) {
    const found: Finding[] = [];
    const redundancy = child(spec, 'redundancy');
    if (!text(redundancy?.['group']) !== !text(redundancy?.['type'])) {
      found.push(
        finding('spec.redundancy', 'redundancy.group and redundancy.type are set together or not at all'),
      );
    }
    if (text(spec['ip']) && !prefixAt(spec['ip']))
      found.push(finding('spec.ip', `ip ${text(spec['ip'])} must be a CIDR`));
    for (const key of ['protocolIP', 'vtepIP']) {
      if (text(spec[key]) && prefixAt(spec[key])?.length !== 32)
        found.push(finding(`spec.${key}`, `${key} must be a /32, got ${text(spec[key])}`));
    }
    if (spec['role'] === 'spine' && text(spec['vtepIP']))
      found.push(finding('spec.vtepIP', 'spines have no vtepIP'));
    return found;
  },
};

/** 1 ≤ from ≤ to ≤ 4094 and clear of the fabric-reserved VLANs (`to` defaulted to `from` already). */
export const vlanNamespaceRule: ObjectRule = {
  kind: 'VLANNamespace',
  check(spec, _m, { reservedVlans }) {
    return items(spec, 'ranges').flatMap((range, i) => {
      if (!isJsonObject(range)) return [];
      const from = num(range['from']) ?? 0;
      const to = num(range['to']) ?? from;
      const at = `spec.ranges[${i}]`;
      if (from < 1 || to > 4094 || from > to)
        return [finding(at, `VLAN range ${from}-${to} must satisfy 1 ≤ from ≤ to ≤ 4094`)];
      const reserved = reservedVlans.find((r) => from <= r.to && r.from <= to);
      return reserved
        ? [
            finding(
              at,
              `VLAN range ${from}-${to} overlaps the fabric-reserved VLANs ${reserved.from}-${reserved.to}`,
            ),
          ]
        : [];
    });
  },
};

/** At most 10 valid prefixes, not overlapping each other or the fabric-reserved subnets. */
export const ipv4NamespaceRule: ObjectRule = {
  kind: 'IPv4Namespace',
  check(spec, _m, { reservedSubnets }) {
    const subnets = items(spec, 'subnets');
    const found: Finding[] = [];
    if (subnets.length > 10)
      found.push(
        finding('spec.subnets', `an IPv4Namespace has at most 10 subnets, this one has ${subnets.length}`),
      );
    const parsed = subnets.map(prefixAt);
    parsed.forEach((p, i) => {
      if (!p) found.push(finding(`spec.subnets[${i}]`, `"${text(subnets[i])}" is not an IPv4 CIDR`));
    });
    const valid = parsed.flatMap((p, i) => (p ? [{ p, i }] : []));
    for (const [a, b] of overlappingPairs(valid.map((v) => v.p))) {
      found.push(
        finding(
          `spec.subnets[${valid[b]!.i}]`,
          `${text(subnets[valid[b]!.i])} overlaps ${text(subnets[valid[a]!.i])}`,
        ),
      );
    }
    const reserved = reservedSubnets.flatMap((r) => parsePrefix(r) ?? []);
    for (const { p, i } of valid) {
      const hit = reserved.find((r) => p.network <= r.last && r.network <= p.last);
      if (hit)
        found.push(finding(`spec.subnets[${i}]`, `${text(subnets[i])} overlaps a fabric-reserved subnet`));
    }
    return found;
  },
};

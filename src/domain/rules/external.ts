/** External and ExternalAttachment rules of one object (REFERENCE §2.5, §2.6). */
import { overlappingPairs } from '../ipv4.js';
import type { JsonObject, JsonValue } from '../manifest.js';
import { checkAcl } from './acl.js';
import type { Finding, ObjectRule } from './types.js';
import { child, finding, ipAt, isEmpty, items, num, prefixAt, text } from './values.js';

const COMMUNITY = /^(\d{1,5}):(\d{1,5})$/;

const isCommunity = (value: string): boolean => {
  const match = COMMUNITY.exec(value);
  return !!match && Number(match[1]) <= 65535 && Number(match[2]) <= 65535;
};

/** A static External has ≥ 1 valid, non-overlapping prefix and no communities. */
function checkStaticExternal(spec: JsonObject): Finding[] {
  const prefixes = items(child(spec, 'static'), 'prefixes');
  if (prefixes.length === 0)
    return [finding('spec.static.prefixes', 'a static External needs at least one prefix')];
  const parsed = prefixes.map(prefixAt);
  const found: Finding[] = parsed.flatMap((p, i) =>
    p ? [] : [finding(`spec.static.prefixes[${i}]`, `"${text(prefixes[i])}" is not an IPv4 CIDR`)],
  );
  const valid = parsed.flatMap((p, i) => (p ? [{ p, i }] : []));
  for (const [a, b] of overlappingPairs(valid.map((v) => v.p))) {
    found.push(
      finding(`spec.static.prefixes[${valid[b]!.i}]`, `prefix overlaps spec.static.prefixes[${valid[a]!.i}]`),
    );
  }
  for (const key of ['inboundCommunity', 'outboundCommunity']) {
    if (text(spec[key])) found.push(finding(`spec.${key}`, `${key} must be empty on a static External`));
  }
  return found;
}

export const externalRule: ObjectRule = {
  kind: 'External',
  check(spec) {
    if (child(spec, 'static')) return checkStaticExternal(spec);
    return ['inboundCommunity', 'outboundCommunity'].flatMap((key) => {
      const value = text(spec[key]);
      return value && !isCommunity(value)
        ? [finding(`spec.${key}`, `${key} ${value} must look like <0-65535>:<0-65535>`)]
        : [];
    });
  },
};

// The ExternalAttachment messages are the fabric webhook's own words (externalattachment_types.go).
const STATIC = 'for static external attachment';

/** Static mode: valid remoteIP, exactly one of ip or proxy, no switch/neighbor. */
function checkStaticAttachment(spec: JsonObject): Finding[] {
  const s = child(spec, 'static')!;
  const found: Finding[] = [];
  for (const key of ['switch', 'neighbor']) {
    if (!isEmpty(child(spec, key)))
      found.push(finding(`spec.${key}`, `${key} parameters must not be set ${STATIC}`));
  }
  if (text(s['remoteIP']) === '')
    found.push(finding('spec.static.remoteIP', `static.remoteIP is required ${STATIC}`));
  else if (ipAt(s['remoteIP']) === undefined)
    found.push(finding('spec.static.remoteIP', 'static.remoteIP is not a valid IP address'));
  const hasIp = text(s['ip']) !== '';
  if (hasIp === (s['proxy'] === true))
    found.push(finding('spec.static', `either static.ip or static.proxy must be set ${STATIC}`));
  if (hasIp && !prefixAt(s['ip'])) found.push(finding('spec.static.ip', 'static.ip is not a valid IP CIDR'));
  return found;
}

/** A required value that must parse, with the fabric's two messages for it. */
function requiredValid(
  field: string,
  value: JsonValue | undefined,
  parses: boolean,
  what: string,
): Finding[] {
  const name = field.slice('spec.'.length);
  if (text(value) === '') return [finding(field, `${name} is required`)];
  return parses ? [] : [finding(field, `${name} is not a valid ${what}`)];
}

/** BGP mode: switch.ip is a CIDR, neighbor.asn and neighbor.ip are set. */
function checkBgpAttachment(spec: JsonObject): Finding[] {
  const sw = child(spec, 'switch');
  const neighbor = child(spec, 'neighbor');
  return [
    ...requiredValid('spec.switch.ip', sw?.['ip'], !!prefixAt(sw?.['ip']), 'IP CIDR'),
    ...(num(neighbor?.['asn']) ? [] : [finding('spec.neighbor.asn', 'neighbor.asn is required')]),
    ...requiredValid(
      'spec.neighbor.ip',
      neighbor?.['ip'],
      ipAt(neighbor?.['ip']) !== undefined,
      'IP address',
    ),
  ];
}

export const externalAttachmentRule: ObjectRule = {
  kind: 'ExternalAttachment',
  check(spec) {
    const found: Finding[] = [];
    if (!text(spec['external'])) found.push(finding('spec.external', 'external is required'));
    if (!text(spec['connection'])) found.push(finding('spec.connection', 'connection is required'));
    const mode = isEmpty(child(spec, 'static')) ? checkBgpAttachment(spec) : checkStaticAttachment(spec);
    return [...found, ...mode, ...checkAcl(items(child(spec, 'inboundACL'), 'statements'))];
  },
};

/** ExternalAttachment inbound ACL statements (REFERENCE §2.6). */
import { isJsonObject, type JsonObject, type JsonValue } from '../manifest.js';
import type { Finding } from './types.js';
import { child, finding, num, prefixAt, text } from './values.js';

const ACTIONS = ['permit', 'deny', 'discard', 'transit'];
const PROTOCOLS = ['ip', 'tcp', 'udp', 'icmp'];
const TCP_FLAGS = ['ack', 'fin', 'psh', 'rst', 'syn', 'urg'];

const setFlags = (filters: JsonObject | undefined): string[] =>
  Object.entries(filters ?? {}).flatMap(([k, v]) => (v === true ? [k] : []));

/** tcpFilters only with tcp; `established` alone; a flag and its negation never both. */
function checkTcpFilters(at: string, protocol: string, filters: JsonObject | undefined): Finding[] {
  const flags = setFlags(filters);
  if (flags.length === 0) return [];
  if (protocol !== 'tcp')
    return [finding(`${at}.tcpFilters`, 'tcpFilters are only allowed with protocol tcp')];
  const found: Finding[] = [];
  if (flags.includes('established') && flags.length > 1) {
    found.push(finding(`${at}.tcpFilters`, 'established cannot be combined with other TCP flags'));
  }
  for (const flag of TCP_FLAGS) {
    const negation = `not${flag[0]!.toUpperCase()}${flag.slice(1)}`;
    if (flags.includes(flag) && flags.includes(negation)) {
      found.push(finding(`${at}.tcpFilters`, `${flag} and ${negation} cannot both be set`));
    }
  }
  return found;
}

/** Port range only with tcp/udp and 1 ≤ begin ≤ end; ICMP fields only with icmp. */
function checkPortsAndIcmp(at: string, protocol: string, s: JsonObject): Finding[] {
  const found: Finding[] = [];
  const begin = num(s['portRangeBegin']);
  const end = num(s['portRangeEnd']);
  if (begin !== undefined || end !== undefined) {
    if (protocol !== 'tcp' && protocol !== 'udp')
      found.push(finding(`${at}.portRangeBegin`, 'a port range needs protocol tcp or udp'));
    else if (begin === undefined || begin < 1 || (end !== undefined && end < begin)) {
      found.push(finding(`${at}.portRangeBegin`, 'a port range needs 1 ≤ portRangeBegin ≤ portRangeEnd'));
    }
  }
  if ((s['icmpType'] !== undefined || s['icmpCode'] !== undefined) && protocol !== 'icmp') {
    found.push(finding(`${at}.icmpType`, 'icmpType and icmpCode are only allowed with protocol icmp'));
  }
  return found;
}

function checkStatement(statement: JsonValue, i: number, seen: Set<number>): Finding[] {
  const at = `spec.inboundACL.statements[${i}]`;
  if (!isJsonObject(statement)) return [];
  const found: Finding[] = [];
  const seq = num(statement['seq']) ?? 0;
  if (seq < 10) found.push(finding(`${at}.seq`, `seq ${seq} must be at least 10`));
  else if (seen.has(seq)) found.push(finding(`${at}.seq`, `seq ${seq} is used by another statement`));
  seen.add(seq);
  const action = text(statement['action']);
  if (!ACTIONS.includes(action))
    found.push(finding(`${at}.action`, `action ${action} must be one of ${ACTIONS.join(', ')}`));
  const protocol = text(statement['protocol']);
  if (!PROTOCOLS.includes(protocol))
    found.push(finding(`${at}.protocol`, `protocol ${protocol} must be one of ${PROTOCOLS.join(', ')}`));
  for (const key of ['srcPrefix', 'dstPrefix']) {
    const value = text(statement[key]);
    if (value !== 'any' && !prefixAt(value))
      found.push(finding(`${at}.${key}`, `${key} ${value} must be a CIDR or any`));
  }
  return [
    ...found,
    ...checkTcpFilters(at, protocol, child(statement, 'tcpFilters')),
    ...checkPortsAndIcmp(at, protocol, statement),
  ];
}

export function checkAcl(statements: readonly JsonValue[]): Finding[] {
  const seen = new Set<number>();
  return statements.flatMap((s, i) => checkStatement(s, i, seen));
}

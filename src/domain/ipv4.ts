/** IPv4 addresses and prefixes as 32-bit numbers, for the webhook's CIDR rules (REFERENCE §2). */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IP = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export interface Prefix {
  /** The address as written (may have host bits set). */
  readonly address: number;
  readonly length: number;
  /** Network address: the address with host bits cleared. */
  readonly network: number;
  /** Last address of the prefix (broadcast). */
  readonly last: number;
}

/** Parses `a.b.c.d`; undefined unless every octet is a plain decimal 0–255. */
export function parseIp(text: string): number | undefined {
  const match = IP.exec(text);
  if (!match) return undefined;
  return ((Number(match[1]) * 256 + Number(match[2])) * 256 + Number(match[3])) * 256 + Number(match[4]);
}

/** Parses `a.b.c.d/len` with 0 ≤ len ≤ 32. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (address === undefined || !/^(3[0-2]|[12]?\d)$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const size = 2 ** (32 - length);
  const network = address - (address % size);
  return { address, length, network, last: network + size - 1 };
}

export const formatIp = (ip: number): string =>
  [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');

export const isNetworkAddress = (p: Prefix): boolean => p.address === p.network;

export const containsIp = (p: Prefix, ip: number): boolean => ip >= p.network && ip <= p.last;

export const containsPrefix = (outer: Prefix, inner: Prefix): boolean =>
  inner.network >= outer.network && inner.last <= outer.last;

export const overlaps = (a: Prefix, b: Prefix): boolean => a.network <= b.last && b.network <= a.last;

/**
 * Index pairs of overlapping prefixes. Sorting by network address keeps this O(n log n): an
 * overlap can only be with a prefix that starts before the current end.
 */
export function overlappingPairs(prefixes: readonly Prefix[]): [number, number][] {
  const order = prefixes.map((p, i) => ({ p, i })).sort((a, b) => a.p.network - b.p.network || a.i - b.i);
  const pairs: [number, number][] = [];
  for (let k = 0; k < order.length; k++) {
    const current = order[k]!;
    for (let j = k + 1; j < order.length && order[j]!.p.network <= current.p.last; j++) {
      pairs.push([current.i, order[j]!.i].sort((x, y) => x - y) as [number, number]);
    }
  }
  return pairs;
}

/** Lowercase colon form of a MAC written `AA:BB:…`, `AA-BB-…` or `aabb.ccdd.eeff` (Go's forms), or undefined. */
export function canonicalMac(text: string): string | undefined {
  const lower = text.toLowerCase();
  const separated = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/.test(lower);
  const dotted = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(lower);
  if (!separated && !dotted) return undefined;
  return lower.replace(/[:.-]/g, '').match(/../g)!.join(':');
}

/** IPv4 arithmetic the fabric webhook emulation needs (gateway and DHCP range defaults). */

export interface Ipv4Prefix {
  readonly network: number;
  readonly length: number;
}

function parseAddress(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map(Number);
  if (octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function parsePrefix(cidr: unknown): Ipv4Prefix | undefined {
  if (typeof cidr !== 'string') return undefined;
  const [address, len] = cidr.split('/');
  const ip = parseAddress(address ?? '');
  const length = Number(len);
  if (ip === undefined || !Number.isInteger(length) || length < 0 || length > 32) return undefined;
  const size = 2 ** (32 - length);
  return { network: Math.floor(ip / size) * size, length };
}

export const lastAddress = (p: Ipv4Prefix) => p.network + 2 ** (32 - p.length) - 1;

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" -> "aa:bb:cc:dd:ee:ff"; other text is returned unchanged. */
export function canonicalMac(text: string): string {
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.\-\s]+$/i.test(text)) return text;
  return hex.match(/../g)!.join(':');
}

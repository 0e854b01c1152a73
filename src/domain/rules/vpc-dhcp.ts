/** DHCP rules of one VPC subnet (REFERENCE §2.1), checked after the webhook's defaults. */
import { canonicalMac, containsIp, type Prefix } from '../ipv4.js';
import type { JsonObject } from '../manifest.js';
import type { Finding } from './types.js';
import { child, entries, finding, ipAt, isEmpty, items, num, prefixAt, text } from './values.js';

/** Range inside the subnet, not the network address or gateway, start < end. */
function checkRange(at: string, dhcp: JsonObject, prefix: Prefix, gateway: number | undefined): Finding[] {
  const range = child(dhcp, 'range');
  const start = ipAt(range?.['start']);
  const end = ipAt(range?.['end']);
  const found: Finding[] = [];
  for (const [key, ip] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (ip === undefined || !containsIp(prefix, ip) || ip === prefix.network || ip === gateway) {
      found.push(
        finding(
          `${at}.range.${key}`,
          `DHCP range ${key} ${text(range?.[key])} must be an IP inside the subnet, not its network address or gateway`,
        ),
      );
    }
  }
  if (start !== undefined && end !== undefined && start >= end)
    found.push(finding(`${at}.range`, 'DHCP range start must be below its end'));
  return found;
}

function checkOptions(at: string, options: JsonObject, prefix: Prefix): Finding[] {
  const found: Finding[] = [];
  const mtu = num(options['interfaceMTU']) ?? 0;
  if (mtu < 96 || mtu > 9036)
    found.push(finding(`${at}.interfaceMTU`, `interfaceMTU ${mtu} must be between 96 and 9036`));
  if ((num(options['leaseTimeSeconds']) ?? 0) < 1)
    found.push(finding(`${at}.leaseTimeSeconds`, 'leaseTimeSeconds must be at least 1'));
  for (const list of ['dnsServers', 'timeServers']) {
    items(options, list).forEach((ip, i) => {
      if (ipAt(ip) === undefined)
        found.push(finding(`${at}.${list}[${i}]`, `${text(ip)} is not an IPv4 address`));
    });
  }
  items(options, 'advertisedRoutes').forEach((route, i) => {
    const r = route as JsonObject;
    if (!prefixAt(r['destination']))
      found.push(
        finding(`${at}.advertisedRoutes[${i}].destination`, 'an advertised route needs a destination CIDR'),
      );
    const gw = ipAt(r['gateway']);
    if (gw === undefined || !containsIp(prefix, gw))
      found.push(
        finding(
          `${at}.advertisedRoutes[${i}].gateway`,
          'an advertised route needs a gateway inside the subnet',
        ),
      );
  });
  return found;
}

/** Static leases: valid MAC, IP inside the subnet and not network/gateway/broadcast, unique. */
function checkStatic(at: string, dhcp: JsonObject, prefix: Prefix, gateway: number | undefined): Finding[] {
  const seen = new Map<number, string>();
  return entries(dhcp, 'static').flatMap(([mac, lease]) => {
    const field = `${at}.static["${mac}"]`;
    const found: Finding[] = [];
    if (!canonicalMac(mac)) found.push(finding(field, `${mac} is not a MAC address`));
    const ip = ipAt(lease['ip']);
    if (
      ip === undefined ||
      !containsIp(prefix, ip) ||
      ip === prefix.network ||
      ip === prefix.last ||
      ip === gateway
    ) {
      found.push(
        finding(
          `${field}.ip`,
          `static IP ${text(lease['ip'])} must be a host IP inside the subnet, not its gateway`,
        ),
      );
    } else if (seen.has(ip)) {
      found.push(finding(`${field}.ip`, `static IP ${text(lease['ip'])} is also leased to ${seen.get(ip)}`));
    } else seen.set(ip, mac);
    return found;
  });
}

export function checkDhcp(subnetPath: string, subnet: JsonObject, prefix: Prefix): Finding[] {
  const dhcp = child(subnet, 'dhcp');
  if (!dhcp || isEmpty(dhcp)) return [];
  const at = `${subnetPath}.dhcp`;
  const enabled = dhcp['enable'] === true;
  const found: Finding[] = [];
  if (subnet['hostBGP'] === true && enabled)
    found.push(finding(`${at}.enable`, 'a hostBGP subnet cannot use DHCP'));
  const relay = text(dhcp['relay']);
  if (relay && !prefixAt(relay)) found.push(finding(`${at}.relay`, `DHCP relay ${relay} must be a prefix`));
  if (relay && enabled) found.push(finding(`${at}.relay`, 'DHCP relay cannot be combined with enable'));
  if (text(dhcp['relayVPC']) && !relay)
    found.push(finding(`${at}.relayVPC`, 'relayVPC is only allowed together with relay'));
  if (!enabled) {
    for (const key of ['options', 'static'] as const) {
      if (!isEmpty(child(dhcp, key)))
        found.push(finding(`${at}.${key}`, `DHCP ${key} are only allowed when DHCP is enabled`));
    }
    return found;
  }
  const gateway = ipAt(subnet['gateway']);
  const options = child(dhcp, 'options');
  return [
    ...found,
    ...checkRange(at, dhcp, prefix, gateway),
    ...(options ? checkOptions(`${at}.options`, options, prefix) : []),
    ...checkStatic(at, dhcp, prefix, gateway),
  ];
}

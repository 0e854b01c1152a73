/** The VPC mutating webhook's defaults (REFERENCE §1.5, VPC). */
import { canonicalMac, formatIp, parsePrefix } from '../ipv4.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../manifest.js';
import { byString, existingObject, isBlank, objectValues, sortListAt, type Rule } from './draft.js';

/** `ipv4Namespace` and `vlanNamespace` default to `default`. */
export const defaultVpcNamespaces: Rule = {
  kind: 'VPC',
  apply(spec) {
    if (isBlank(spec['ipv4Namespace'])) spec['ipv4Namespace'] = 'default';
    if (isBlank(spec['vlanNamespace'])) spec['vlanNamespace'] = 'default';
  },
};

/** A subnet without hostBGP gets its first host IP as gateway. */
export const defaultSubnetGateway: Rule = {
  kind: 'VPC',
  apply(spec) {
    for (const [, subnet] of objectValues(spec, 'subnets')) {
      const prefix = typeof subnet['subnet'] === 'string' ? parsePrefix(subnet['subnet']) : undefined;
      if (subnet['hostBGP'] === true || !prefix || !isBlank(subnet['gateway'])) continue;
      subnet['gateway'] = formatIp(prefix.network + 1);
    }
  },
};

const DHCP_OPTION_LISTS = ['dnsServers', 'timeServers', 'advertisedRoutes'] as const;

const isEmptyValue = (v: JsonValue | undefined): boolean =>
  isBlank(v) || v === false || v === 0 || (Array.isArray(v) && v.length === 0);

/** Routes sort by destination, then gateway, whatever order their keys were written in. */
const routeKey = (v: JsonValue): string =>
  isJsonObject(v) ? JSON.stringify([v['destination'] ?? '', v['gateway'] ?? '']) : JSON.stringify(v);
const byRoute = (a: JsonValue, b: JsonValue): number => byString(routeKey(a), routeKey(b));

function defaultDhcpOptions(dhcp: JsonObject): void {
  const options = existingObject(dhcp, 'options');
  if (!options) return;
  if (Object.values(options).every(isEmptyValue)) {
    delete dhcp['options'];
    return;
  }
  if (isEmptyValue(options['interfaceMTU'])) options['interfaceMTU'] = 9036;
  if (isEmptyValue(options['leaseTimeSeconds'])) options['leaseTimeSeconds'] = 3600;
  for (const list of DHCP_OPTION_LISTS) {
    if (!Array.isArray(options[list])) options[list] = [];
    sortListAt(options, list, list === 'advertisedRoutes' ? byRoute : byString);
  }
}

/**
 * DHCP on: the range defaults to network+2 … last address and options get their defaults.
 * DHCP off: range and options are removed. Prefixes longer than /30 are left alone.
 */
export const defaultSubnetDhcp: Rule = {
  kind: 'VPC',
  apply(spec) {
    for (const [, subnet] of objectValues(spec, 'subnets')) {
      const dhcp = existingObject(subnet, 'dhcp');
      const prefix = typeof subnet['subnet'] === 'string' ? parsePrefix(subnet['subnet']) : undefined;
      if (!dhcp || !prefix || prefix.length > 30) continue;
      if (dhcp['enable'] !== true) {
        delete dhcp['range'];
        delete dhcp['options'];
        continue;
      }
      const range = existingObject(dhcp, 'range') ?? (dhcp['range'] = {});
      if (isBlank(range['start'])) range['start'] = formatIp(prefix.network + 2);
      if (isBlank(range['end'])) range['end'] = formatIp(prefix.last);
      defaultDhcpOptions(dhcp);
    }
  },
};

/** MAC keys of `dhcp.static` are rewritten to lowercase colon form. */
export const canonicalStaticMacs: Rule = {
  kind: 'VPC',
  apply(spec) {
    for (const [, subnet] of objectValues(spec, 'subnets')) {
      const dhcp = existingObject(subnet, 'dhcp');
      const leases = dhcp && existingObject(dhcp, 'static');
      if (!dhcp || !leases) continue;
      dhcp['static'] = Object.fromEntries(
        Object.entries(leases).map(([mac, lease]) => [canonicalMac(mac) ?? mac, lease]),
      );
    }
  },
};

export const VPC_RULES: readonly Rule[] = [
  defaultVpcNamespaces,
  defaultSubnetGateway,
  defaultSubnetDhcp,
  canonicalStaticMacs,
];

/**
 * An independent emulation of the spec rewrites of the Hedgehog fabric's mutating webhooks
 * (../shared/hedgehog/REFERENCE.md §1.5). Deliberately not the production normalizer: drift tests
 * use this as a second opinion on it. Each function mutates a private copy of `spec`.
 */
import { canonicalMac, formatAddress, lastAddress, parsePrefix } from './fabric-ipv4.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objAt = (parent: Obj, key: string): Obj => (isObj(parent[key]) ? parent[key] : (parent[key] = {}));
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function defaultDhcpOptions(dhcp: Obj): void {
  const options = dhcp['options'];
  if (!isObj(options)) return;
  if (Object.values(options).every(isEmpty)) {
    delete dhcp['options'];
    return;
  }
  options['interfaceMTU'] ||= 9036;
  options['leaseTimeSeconds'] ||= 3600;
  options['dnsServers'] = strings(options['dnsServers']).sort(byText);
  options['timeServers'] = strings(options['timeServers']).sort(byText);
  const routes = Array.isArray(options['advertisedRoutes']) ? (options['advertisedRoutes'] as Obj[]) : [];
  const routeKey = (r: Obj) => `${text(r['destination'])} ${text(r['gateway'])}`;
  options['advertisedRoutes'] = [...routes].sort((a, b) => byText(routeKey(a), routeKey(b)));
}

function defaultSubnet(subnet: Obj): void {
  const prefix = parsePrefix(subnet['subnet']);
  if (prefix && !subnet['hostBGP'] && !subnet['gateway'])
    subnet['gateway'] = formatAddress(prefix.network + 1);
  const dhcp = objAt(subnet, 'dhcp');
  if (isObj(dhcp['static'])) {
    dhcp['static'] = Object.fromEntries(
      Object.entries(dhcp['static']).map(([mac, v]) => [canonicalMac(mac), v]),
    );
  }
  if (!prefix || prefix.length > 30) return;
  if (!dhcp['enable']) {
    delete dhcp['range'];
    delete dhcp['options'];
    return;
  }
  const range = objAt(dhcp, 'range');
  range['start'] ||= formatAddress(prefix.network + 2);
  range['end'] ||= formatAddress(lastAddress(prefix));
  defaultDhcpOptions(dhcp);
}

function vpc(spec: Obj): void {
  spec['ipv4Namespace'] ||= 'default';
  spec['vlanNamespace'] ||= 'default';
  for (const subnet of Object.values(isObj(spec['subnets']) ? spec['subnets'] : {}))
    if (isObj(subnet)) defaultSubnet(subnet);
}

function vpcAttachment(spec: Obj): void {
  const subnet = spec['subnet'];
  if (typeof subnet === 'string' && subnet !== '' && !subnet.includes('/'))
    spec['subnet'] = `${subnet}/default`;
}

function externalPeering(spec: Obj): void {
  const permit = objAt(spec, 'permit');
  const vpcPart = objAt(permit, 'vpc');
  const externalPart = objAt(permit, 'external');
  if (Array.isArray(vpcPart['subnets'])) vpcPart['subnets'] = strings(vpcPart['subnets']).sort(byText);
  if (Array.isArray(externalPart['prefixes'])) {
    const prefixes = externalPart['prefixes'] as Obj[];
    externalPart['prefixes'] = [...prefixes].sort((a, b) => byText(text(a['prefix']), text(b['prefix'])));
  }
}

const withoutSpeedPrefix = (v: unknown) =>
  isObj(v)
    ? Object.fromEntries(
        Object.entries(v).map(([k, s]) => [k, typeof s === 'string' ? s.replace(/^SPEED_/, '') : s]),
      )
    : v;

function switchSpec(spec: Obj): void {
  const redundancy = objAt(spec, 'redundancy');
  objAt(spec, 'boot');
  objAt(spec, 'ecmp');
  const namespaces = strings(spec['vlanNamespaces']);
  spec['vlanNamespaces'] = (namespaces.length > 0 ? namespaces : ['default']).sort(byText);
  const groups = strings(spec['groups']);
  const group = redundancy['group'];
  if (typeof group === 'string' && group !== '' && !groups.includes(group)) groups.push(group);
  if (groups.length > 0 || spec['groups'] !== undefined) spec['groups'] = groups.sort(byText);
  for (const key of ['portSpeeds', 'portGroupSpeeds'])
    if (spec[key] !== undefined) spec[key] = withoutSpeedPrefix(spec[key]);
  if (isObj(spec['linkFlapErrDisable'])) {
    const flap = spec['linkFlapErrDisable'];
    flap['flapThreshold'] ||= 3;
    flap['recoveryInterval'] ||= 300;
    flap['samplingInterval'] ||= 30;
  }
}

function vlanNamespace(spec: Obj): void {
  if (!Array.isArray(spec['ranges'])) return;
  const ranges: Obj[] = (spec['ranges'] as Obj[]).map((r) => ({ ...r, to: r['to'] ?? r['from'] }));
  spec['ranges'] = ranges.sort(
    (a, b) => Number(a['from']) - Number(b['from']) || Number(a['to']) - Number(b['to']),
  );
}

function externalAttachment(spec: Obj): void {
  objAt(spec, 'switch');
  objAt(spec, 'neighbor');
}

/** Spec rewrites per kind; kinds absent here get none. */
export const SPEC_DEFAULTS: Readonly<Record<string, (spec: Obj) => void>> = {
  VPC: vpc,
  VPCAttachment: vpcAttachment,
  IPv4Namespace: (spec) => {
    if (Array.isArray(spec['subnets'])) spec['subnets'] = strings(spec['subnets']).sort(byText);
  },
  External: (spec) => {
    spec['ipv4Namespace'] ||= 'default';
  },
  ExternalPeering: externalPeering,
  ExternalAttachment: externalAttachment,
  Switch: switchSpec,
  VLANNamespace: vlanNamespace,
  Server: () => undefined,
};

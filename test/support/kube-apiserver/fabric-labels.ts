/**
 * Label derivation of the fabric's webhooks (../shared/hedgehog/REFERENCE.md §1.4): every label
 * whose key contains "fabric.githedgehog.com/" is removed, then labels are computed from spec.
 */
type Obj = Record<string, unknown>;
type Labels = Record<string, string>;

const F = 'fabric.githedgehog.com';
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const deviceOf = (port: unknown) => str(port).split('/')[0] ?? '';

function vpcAttachment(spec: Obj): Labels {
  const [vpc = '', subnet = ''] = str(spec['subnet']).split('/');
  return {
    [`${F}/vpc`]: vpc,
    [`${F}/subnet`]: subnet,
    [`${F}/connection`]: str(spec['connection']),
    ...(spec['nativeVLAN'] ? { [`${F}/nativevlan`]: 'true' } : {}),
  };
}

function vpcPeering(spec: Obj): Labels {
  const permits = Array.isArray(spec['permit']) ? (spec['permit'] as unknown[]) : [];
  const names = [...new Set(permits.flatMap((p) => (isObj(p) ? Object.keys(p) : [])))].sort();
  const [a = '', b = ''] = names;
  return { [`${F}/vpc1`]: a, [`${F}/vpc2`]: b, [`vpc.${F}/${a}`]: 'true', [`vpc.${F}/${b}`]: 'true' };
}

const CONNECTION_TYPES: Record<string, string> = {
  unbundled: 'unbundled',
  bundled: 'bundled',
  eslag: 'eslag',
  fabric: 'fabric',
  mesh: 'mesh',
  gateway: 'gateway',
  vpcLoopback: 'vpc-loopback',
  external: 'external',
  staticExternal: 'static-external',
};
const SWITCH_ENDS = ['switch', 'spine', 'leaf', 'leaf1', 'leaf2', 'switch1', 'switch2'];

function connection(spec: Obj): Labels {
  const member = Object.keys(spec).find((k) => k in CONNECTION_TYPES && isObj(spec[k]));
  if (!member) return {};
  const body = spec[member] as Obj;
  const links = [
    ...(Array.isArray(body['links']) ? body['links'] : []),
    ...(isObj(body['link']) ? [body['link']] : []),
  ];
  const labels: Labels = { [`${F}/connection-type`]: CONNECTION_TYPES[member]! };
  for (const link of links.filter(isObj)) {
    for (const [end, value] of Object.entries(link)) {
      if (!isObj(value)) continue;
      if (SWITCH_ENDS.includes(end)) labels[`switch.${F}/${deviceOf(value['port'])}`] = 'true';
      if (end === 'server') labels[`server.${F}/${deviceOf(value['port'])}`] = 'true';
    }
  }
  if (member === 'staticExternal' && str(body['withinVPC'])) labels[`${F}/vpc`] = str(body['withinVPC']);
  return labels;
}

function switchLabels(spec: Obj): Labels {
  const labels: Labels = { [`${F}/profile`]: str(spec['profile']) };
  for (const g of Array.isArray(spec['groups']) ? spec['groups'] : [])
    labels[`switchgroup.${F}/${str(g)}`] = 'true';
  for (const n of Array.isArray(spec['vlanNamespaces']) ? spec['vlanNamespaces'] : [])
    labels[`vlanns.${F}/${str(n)}`] = 'true';
  return labels;
}

const DERIVE: Readonly<Record<string, (spec: Obj) => Labels>> = {
  VPC: (s) => ({ [`${F}/ipv4ns`]: str(s['ipv4Namespace']), [`${F}/vlanns`]: str(s['vlanNamespace']) }),
  VPCAttachment: vpcAttachment,
  VPCPeering: vpcPeering,
  External: (s) => ({ [`${F}/ipv4ns`]: str(s['ipv4Namespace']) }),
  ExternalAttachment: (s) => ({
    [`${F}/connection`]: str(s['connection']),
    [`${F}/external`]: str(s['external']),
  }),
  ExternalPeering: (s) => {
    const permit = isObj(s['permit']) ? s['permit'] : {};
    const vpc = isObj(permit['vpc']) ? permit['vpc'] : {};
    const external = isObj(permit['external']) ? permit['external'] : {};
    return { [`${F}/vpc`]: str(vpc['name']), [`${F}/external`]: str(external['name']) };
  },
  Connection: connection,
  Switch: switchLabels,
};

/** The labels after the webhook: user labels kept, fabric labels recomputed from `spec`. */
export function fabricLabels(kind: string, labels: Labels | undefined, spec: Obj): Labels {
  const kept = Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !k.includes(`${F}/`)));
  return { ...kept, ...(DERIVE[kind]?.(spec) ?? {}) };
}

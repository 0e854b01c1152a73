/**
 * Label derivation of the fabric's webhooks (../shared/hedgehog/REFERENCE.md §1.4): every label
 * whose key contains "fabric.githedgehog.com/" is removed, then labels are computed from spec.
 */
import {
  CONNECTION_TYPES,
  connectionEndpoints,
  connectionTypesOf,
  type ConnectionType,
} from '../../../src/domain/connection-endpoints.js';
import type { JsonObject } from '../../../src/domain/manifest.js';

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

/** Deprecated types: the fabric only removes their labels (REFERENCE §1.4). */
const UNLABELLED: ReadonlySet<ConnectionType> = new Set(['mclag', 'mclagDomain']);

/** Type and endpoint labels, read through the domain's connection layout rather than a second copy of it. */
function connection(spec: Obj): Labels {
  const json = spec as JsonObject;
  const type = connectionTypesOf(json).find((t) => isObj(spec[t]));
  if (!type || UNLABELLED.has(type)) return {};
  const body = spec[type] as Obj;
  const labels: Labels = { [`${F}/connection-type`]: CONNECTION_TYPES[type] };
  for (const { targetKind, value } of connectionEndpoints(json))
    if (targetKind !== 'Gateway') labels[`${targetKind.toLowerCase()}.${F}/${deviceOf(value)}`] = 'true';
  if (type === 'staticExternal' && str(body['withinVPC'])) labels[`${F}/vpc`] = str(body['withinVPC']);
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

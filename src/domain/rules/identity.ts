/**
 * What every object needs before anything else: a syncable kind at its one served version, a valid
 * name, and the fabric's namespace (REFERENCE §1.1, §1.2).
 */
import { apiVersionOf, findKind, isKindName } from '../kinds.js';
import { FABRIC_NAMESPACE, type Manifest } from '../manifest.js';
import type { Finding } from './types.js';

const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kind known and syncable; SwitchProfile/ServerProfile belong to the fabric, not to Git (§1.6). */
export function checkKind(m: Manifest): Finding[] {
  if (typeof m.kind !== 'string' || m.kind === '') return [{ field: 'kind', message: 'kind is missing' }];
  const info = findKind(m.kind);
  if (!info)
    return [
      {
        field: 'kind',
        message: `unknown kind ${m.kind}: fabric-sync syncs only the 12 Hedgehog fabric kinds`,
      },
    ];
  if (!isKindName(m.kind)) {
    return [
      {
        field: 'kind',
        message: `${m.kind} is owned by the fabric controller and is not synced from Git (REFERENCE §1.6); remove it from the repository (switches may still name built-in or known profiles)`,
      },
    ];
  }
  return [];
}

/** apiVersion must be the one served version; v1alpha2 gets a hint (REFERENCE §1.1). */
export function checkApiVersion(m: Manifest): Finding[] {
  const expected = apiVersionOf(findKind(m.kind)!);
  if (m.apiVersion === expected) return [];
  const hint =
    typeof m.apiVersion === 'string' && m.apiVersion.endsWith('/v1alpha2')
      ? `: v1alpha2 is no longer served by the fabric, use ${expected}`
      : `: expected ${expected}`;
  return [{ field: 'apiVersion', message: `apiVersion ${String(m.apiVersion)} is not served${hint}` }];
}

/** Lowercase RFC 1123 subdomain; VPC, IPv4Namespace and External ≤ 11 characters; VPCs not `ext.…`. */
export function checkName(m: Manifest): Finding[] {
  const name = m.metadata?.name;
  if (typeof name !== 'string' || name === '')
    return [{ field: 'metadata.name', message: 'metadata.name is required' }];
  const found: Finding[] = [];
  if (name.length > 253 || !RFC1123_SUBDOMAIN.test(name)) {
    found.push({ field: 'metadata.name', message: `name ${name} is not a lowercase RFC 1123 subdomain` });
  }
  const max = findKind(m.kind)?.maxNameLength ?? 253;
  if (name.length > max) {
    found.push({
      field: 'metadata.name',
      message: `name ${name} is ${name.length} characters; ${m.kind} names may have at most ${max}`,
    });
  }
  if (m.kind === 'VPC' && name.startsWith('ext.')) {
    found.push({
      field: 'metadata.name',
      message: 'VPC names may not start with ext. (reserved for externals)',
    });
  }
  return found;
}

/** Unset means `default`; the fabric's webhooks reject every other namespace (REFERENCE §1.2). */
export function checkNamespace(m: Manifest): Finding[] {
  const namespace = m.metadata?.namespace;
  if (namespace === undefined || namespace === null || namespace === '' || namespace === FABRIC_NAMESPACE)
    return [];
  return [
    {
      field: 'metadata.namespace',
      message: `namespace ${String(namespace)} is not allowed: the fabric accepts only ${FABRIC_NAMESPACE}`,
    },
  ];
}

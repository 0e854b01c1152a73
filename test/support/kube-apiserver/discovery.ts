/** Discovery documents: /version, /api, /api/v1, /apis, /apis/G, /apis/G/V (contract §1.1). */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './registry.js';
import type { ResourceType } from './types.js';

const VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

/** As a 1.33 server reports itself: it emulates its own version and is compatible down to 1.32. */
export const VERSION_INFO = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.0-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const hashOf = (t: ResourceType) =>
  createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11);

function resourceEntries(t: ResourceType): Record<string, unknown>[] {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: VERBS,
    ...(t.shortNames.length > 0 ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length > 0 ? { categories: t.categories } : {}),
    storageVersionHash: hashOf(t),
  };
  const status = {
    name: `${t.plural}/status`,
    singularName: '',
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: ['get', 'patch', 'update'],
  };
  return t.hasStatus ? [main, status] : [main];
}

/** authorization.k8s.io/v1: only the two self-subject reviews, create-only as on a real server. */
export const AUTHORIZATION = { group: 'authorization.k8s.io', version: 'v1' };
const REVIEW_KINDS = ['SelfSubjectAccessReview', 'SelfSubjectRulesReview'];
const reviewEntries = () =>
  REVIEW_KINDS.map((kind) => ({
    name: `${kind.toLowerCase()}s`,
    singularName: kind.toLowerCase(),
    namespaced: false,
    kind,
    verbs: ['create'],
  }));

export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  if (group === AUTHORIZATION.group && version === AUTHORIZATION.version)
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: `${group}/${version}`,
      resources: reviewEntries(),
    };
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.sort((a, b) => a.plural.localeCompare(b.plural)).flatMap(resourceEntries),
  };
}

function groupDoc(group: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

export function groupList(registry: ResourceRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups(registry).map((g) => groupDoc(g.group, g.version)),
  };
}

const servedGroups = (registry: ResourceRegistry) => [AUTHORIZATION, ...registry.groupVersions()];

export function group(registry: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const found = servedGroups(registry).find((g) => g.group === name);
  return found ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(found.group, found.version) } : undefined;
}

/** `serverAddress` is host:port the server listens on (a real one answers its advertise address). */
export const coreVersions = (serverAddress: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

/**
 * OpenAPI v3 documents, enough for kubectl's apply (fieldValidation support check) and explain
 * (contract §11.4): one document per group version, schemas straight from the CRDs.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './registry.js';
import type { ResourceType } from './types.js';

const reverseGroup = (group: string) => (group ? group.split('.').reverse().join('.') : 'io.k8s.api.core');
const schemaName = (t: ResourceType) => `${reverseGroup(t.group)}.${t.version}.${t.kind}`;
const gvk = (t: ResourceType) => ({ group: t.group, version: t.version, kind: t.kind });
const prefixOf = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string' },
}));

function operation(t: ResourceType, action: string): Record<string, unknown> {
  return {
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(t),
    parameters: QUERY_PARAMS,
    responses: { '200': { description: 'OK' } },
  };
}

function paths(t: ResourceType): Record<string, unknown> {
  const base = `/${prefixOf(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const item = {
    get: operation(t, 'get'),
    put: operation(t, 'put'),
    patch: operation(t, 'patch'),
    delete: operation(t, 'delete'),
  };
  return { [base]: { get: operation(t, 'list'), post: operation(t, 'post') }, [`${base}/{name}`]: item };
}

function schemaOf(t: ResourceType): Record<string, unknown> {
  const body = t.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return { ...body, 'x-kubernetes-group-version-kind': [gvk(t)] };
}

export function groupDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (fake)', version: version },
    paths: Object.assign({}, ...types.map(paths)),
    components: { schemas: Object.fromEntries(types.map((t) => [schemaName(t), schemaOf(t)])) },
  };
}

export const etagOf = (doc: unknown) =>
  createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32).toUpperCase();

export function rootDocument(registry: ResourceRegistry): Record<string, unknown> {
  const entries = [{ group: '', version: 'v1' }, ...registry.groupVersions()].map(({ group, version }) => {
    const prefix = prefixOf(group, version);
    const hash = etagOf(groupDocument(registry, group, version));
    return [prefix, { serverRelativeURL: `/openapi/v3/${prefix}?hash=${hash}` }];
  });
  return { paths: Object.fromEntries(entries) };
}

/** Maps a URL path to discovery, OpenAPI or a resource target (contract §1). */
import type { ResourceRegistry } from './registry.js';
import type { ResourceType } from './types.js';

export type Route =
  | { readonly kind: 'version' | 'api' | 'apis' | 'openapi-root' }
  | { readonly kind: 'access-review' }
  | { readonly kind: 'rules-review' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'group-version' | 'openapi-group'; readonly group: string; readonly version: string }
  | {
      readonly kind: 'resource';
      readonly type: ResourceType;
      readonly namespace?: string;
      readonly name?: string;
      readonly subresource?: string;
    }
  | { readonly kind: 'not-found' };

const NOT_FOUND: Route = { kind: 'not-found' };

function staticRoute(segments: string[]): Route | undefined {
  const joined = segments.join('/');
  if (joined === 'version') return { kind: 'version' };
  if (joined === 'api') return { kind: 'api' };
  if (joined === 'apis') return { kind: 'apis' };
  if (joined === 'openapi/v3') return { kind: 'openapi-root' };
  if (joined === 'apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return { kind: 'access-review' };
  if (joined === 'apis/authorization.k8s.io/v1/selfsubjectrulesreviews') return { kind: 'rules-review' };
  if (segments[0] === 'openapi' && segments[1] === 'v3') {
    const [, , root, a, b] = segments;
    if (root === 'api' && a && !b) return { kind: 'openapi-group', group: '', version: a };
    if (root === 'apis' && a && b && segments.length === 5)
      return { kind: 'openapi-group', group: a, version: b };
    return NOT_FOUND;
  }
  if (segments[0] === 'apis' && segments.length === 2) return { kind: 'group', group: segments[1]! };
  if (segments[0] === 'apis' && segments.length === 3)
    return { kind: 'group-version', group: segments[1]!, version: segments[2]! };
  if (joined === 'api/v1') return { kind: 'group-version', group: '', version: 'v1' };
  return undefined;
}

export function route(registry: ResourceRegistry, pathname: string): Route {
  const segments = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const fixed = staticRoute(segments);
  if (fixed) return fixed;
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') [group, version, rest] = ['', 'v1', segments.slice(2)];
  else if (segments[0] === 'apis' && segments.length > 3)
    [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
  else return NOT_FOUND;
  const namespacedType =
    rest[0] === 'namespaces' && rest.length >= 3 ? registry.find(group, version, rest[2]!) : undefined;
  if (namespacedType?.namespaced) {
    const [, namespace, , name, subresource, extra] = rest;
    if (extra !== undefined) return NOT_FOUND;
    return {
      kind: 'resource',
      type: namespacedType,
      namespace: namespace!,
      ...(name ? { name } : {}),
      ...(subresource ? { subresource } : {}),
    };
  }
  const type = registry.find(group, version, rest[0] ?? '');
  const [, name, subresource, extra] = rest;
  if (!type || extra !== undefined || (type.namespaced && name !== undefined)) return NOT_FOUND;
  return { kind: 'resource', type, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
}

/**
 * What one bearer token may do: everything, read-only, nothing, or verbs per resource — the part of
 * RBAC this server emulates, shared by request authorization and the self-subject reviews.
 */

/** `"<plural>.<group>"` (or `"<plural>"` for the core group, `"*"` for every resource) → verbs (`"*"`: all). */
export type ResourceVerbs = Readonly<Record<string, readonly string[]>>;
export type Role = 'admin' | 'read-only' | 'none' | ResourceVerbs;

export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
}

/** One rule as SelfSubjectRulesReview returns it. */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

const READ_VERBS = ['get', 'list', 'watch'];

/** Every authenticated user may review itself (system:basic-user's grant in a real cluster). */
export const SELF_REVIEW_RULE: ResourceRule = {
  verbs: ['create'],
  apiGroups: ['authorization.k8s.io'],
  resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
};

/** Discovery and OpenAPI are open to every authenticated user (system:discovery). */
export const DISCOVERY_RULE = {
  verbs: ['get'],
  nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/version', '/version/'],
};

const splitKey = (key: string) => {
  const dot = key.indexOf('.');
  return dot < 0 ? { resource: key, group: '' } : { resource: key.slice(0, dot), group: key.slice(dot + 1) };
};

export function rulesOf(role: Role): ResourceRule[] {
  if (role === 'admin') return [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  if (role === 'read-only') return [{ verbs: READ_VERBS, apiGroups: ['*'], resources: ['*'] }];
  if (role === 'none') return [];
  return Object.entries(role).map(([key, verbs]) => {
    if (key === '*') return { verbs, apiGroups: ['*'], resources: ['*'] };
    const { resource, group } = splitKey(key);
    return { verbs, apiGroups: [group], resources: [resource] };
  });
}

const covers = (values: readonly string[], value: string) => values.includes('*') || values.includes(value);

/** RBAC's matching: a rule for "vpcs" does not cover "vpcs/status", "*" covers both. */
export function ruleAllows(rule: ResourceRule, a: ResourceAttributes): boolean {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return covers(rule.verbs, a.verb) && covers(rule.apiGroups, a.group) && covers(rule.resources, resource);
}

export function allows(role: Role, a: ResourceAttributes): boolean {
  return [...rulesOf(role), SELF_REVIEW_RULE].some((rule) => ruleAllows(rule, a));
}

/**
 * The command-line form of a role: `admin`, `read-only`, `none`, or
 * `vpcs.vpc.githedgehog.com=get+list+watch,switches.wiring.githedgehog.com=*`.
 */
export function parseRole(text: string): Role {
  if (text === 'admin' || text === 'read-only' || text === 'none') return text;
  const entries = text.split(',').map((part) => {
    const [key, verbs] = part.split('=');
    if (!key || !verbs) throw new Error(`role "${text}": expected resource=verb+verb, not "${part}"`);
    return [key.trim(), verbs.split('+').map((v) => v.trim())] as const;
  });
  return Object.fromEntries(entries);
}

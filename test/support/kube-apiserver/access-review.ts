/**
 * SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1), so `kubectl auth
 * can-i` and clients that check their own permissions get the answers the caller's role gives.
 */
import type { User } from './auth.js';
import type { Reply } from './call.js';
import { PROTOBUF, decodeReviewProtobuf } from './review-protobuf.js';
import { DISCOVERY_RULE, SELF_REVIEW_RULE, allows, rulesOf } from './permissions.js';
import { badRequest } from './status.js';

interface Review {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: {
    namespace?: string;
    resourceAttributes?: { verb?: string; group?: string; resource?: string; subresource?: string };
    nonResourceAttributes?: { verb?: string; path?: string };
  };
}

const API_VERSION = 'authorization.k8s.io/v1';

function decodeReview(body: Buffer, contentType: string, kind: string): Review {
  let review: unknown;
  if (contentType === PROTOBUF) review = decodeReviewProtobuf(body);
  else
    try {
      review = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`error decoding request body: ${(err as Error).message}`);
    }
  if (typeof review !== 'object' || review === null || Array.isArray(review))
    throw badRequest('Object in request body is not a JSON object');
  const typed = review as Review;
  if (typed.kind !== undefined && typed.kind !== kind)
    throw badRequest(`expected ${kind}, got ${typed.kind}`);
  return typed;
}

const matchesPath = (pattern: string, path: string) =>
  pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;

function accessAllowed(user: User, spec: NonNullable<Review['spec']>): boolean {
  const resource = spec.resourceAttributes;
  if (resource) {
    const { verb = '', group = '', resource: plural = '', subresource } = resource;
    return allows(user.role, { verb, group, resource: plural, ...(subresource ? { subresource } : {}) });
  }
  const nonResource = spec.nonResourceAttributes;
  if (!nonResource)
    throw badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (user.role === 'admin') return true;
  return (
    nonResource.verb === 'get' &&
    DISCOVERY_RULE.nonResourceURLs.some((p) => matchesPath(p, nonResource.path ?? ''))
  );
}

export function selfSubjectAccessReview(user: User, body: Buffer, contentType: string): Reply {
  const review = decodeReview(body, contentType, 'SelfSubjectAccessReview');
  const allowed = accessAllowed(user, review.spec ?? {});
  const status = allowed
    ? { allowed, reason: `allowed by the test server's role of User "${user.name}"` }
    : { allowed };
  return {
    status: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: API_VERSION,
      metadata: {},
      spec: review.spec,
      status,
    },
  };
}

export function selfSubjectRulesReview(user: User, body: Buffer, contentType: string): Reply {
  const review = decodeReview(body, contentType, 'SelfSubjectRulesReview');
  if (!review.spec?.namespace) throw badRequest('no namespace on request');
  const status = {
    resourceRules: [SELF_REVIEW_RULE, ...rulesOf(user.role)],
    nonResourceRules: user.role === 'admin' ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : [DISCOVERY_RULE],
    incomplete: false,
  };
  return {
    status: 201,
    body: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: API_VERSION,
      metadata: {},
      spec: review.spec,
      status,
    },
  };
}

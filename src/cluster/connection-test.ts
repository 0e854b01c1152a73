/**
 * What a connection test found: the fabric.connection status, a message, which fabric CRDs are
 * missing and which verbs the token lacks on which kind.
 */
import { STATUS_CODES } from 'node:http';
import { KINDS, type KindInfo } from '../domain/kinds.js';
import type { FabricConnection } from '../domain/states.js';
import type { KubeFailure } from './cluster-error.js';

/** The verbs fabric-sync needs on each kind: list and watch to read, apply (create/patch) and prune. */
export const REQUIRED_VERBS = ['get', 'list', 'watch', 'create', 'patch', 'delete'] as const;

export interface MissingPermission {
  readonly kind: string;
  readonly verbs: readonly string[];
}

export interface ConnectionResult {
  readonly status: Exclude<FabricConnection, 'UNKNOWN'>;
  readonly message: string;
  readonly serverVersion?: string;
  /** `<plural>.<group>` of each of the 12 kinds whose CRD is absent or does not serve its version. */
  readonly missingCrds: readonly string[];
  readonly missingPermissions: readonly MissingPermission[];
}

interface ServedCrd {
  metadata?: { name?: string };
  spec?: { versions?: readonly { name: string; served: boolean }[] };
}

/** A resource rule as SelfSubjectRulesReview returns it. */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

const covers = (values: readonly string[] | undefined, value: string) =>
  (values ?? []).includes('*') || (values ?? []).includes(value);

/** RBAC's matching; a rule limited to some resourceNames does not grant the kind as a whole. */
const grants = (rule: ResourceRule, kind: KindInfo, verb: string) =>
  (rule.resourceNames ?? []).length === 0 &&
  covers(rule.verbs, verb) &&
  covers(rule.apiGroups, kind.group) &&
  covers(rule.resources, kind.plural);

/** Per kind, the required verbs no rule grants (kinds lacking nothing are left out). */
export function missingPermissionsOf(rules: readonly ResourceRule[]): MissingPermission[] {
  return KINDS.flatMap((kind) => {
    const verbs = REQUIRED_VERBS.filter((verb) => !rules.some((rule) => grants(rule, kind, verb)));
    return verbs.length > 0 ? [{ kind: kind.kind, verbs }] : [];
  });
}

/**
 * A rules review may be incomplete (an authorizer other than RBAC, such as a webhook, cannot list its
 * rules): then each gap is asked about on its own (SelfSubjectAccessReview) and kept only if denied.
 */
export async function confirmMissing(
  missing: readonly MissingPermission[],
  allowed: (kind: KindInfo, verb: string) => Promise<boolean>,
): Promise<MissingPermission[]> {
  const confirmed = await Promise.all(
    missing.map(async ({ kind, verbs }) => {
      const info = KINDS.find((k) => k.kind === kind)!;
      const denied = await Promise.all(
        verbs.map(async (verb) => ((await allowed(info, verb)) ? [] : [verb])),
      );
      return { kind, verbs: denied.flat() };
    }),
  );
  return confirmed.filter((p) => p.verbs.length > 0);
}

function permissionText(missing: readonly MissingPermission[]): string {
  if (missing.length === 0) return '';
  const byVerbs = new Map<string, string[]>();
  for (const p of missing)
    byVerbs.set(p.verbs.join(', '), [...(byVerbs.get(p.verbs.join(', ')) ?? []), p.kind]);
  const parts = [...byVerbs].map(([verbs, kinds]) => `the token may not ${verbs} ${kinds.join(', ')}`);
  return `; ${parts.join('; ')}`;
}

export function connectionSucceeded(
  serverVersion: string,
  crds: readonly ServedCrd[],
  missingPermissions: readonly MissingPermission[],
): ConnectionResult {
  const served = new Set(
    crds.flatMap((crd) =>
      (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => `${crd.metadata?.name ?? ''}@${v.name}`),
    ),
  );
  const missingCrds = KINDS.filter((k) => !served.has(`${k.plural}.${k.group}@${k.version}`)).map(
    (k) => `${k.plural}.${k.group}`,
  );
  const crdText =
    missingCrds.length === 0
      ? `all ${KINDS.length} fabric CRDs served`
      : `${missingCrds.length} fabric CRD(s) missing: ${missingCrds.join(', ')}`;
  return {
    status: 'CONNECTED',
    message: `Kubernetes ${serverVersion}; ${crdText}${permissionText(missingPermissions)}`,
    serverVersion,
    missingCrds,
    missingPermissions,
  };
}

/**
 * An HTTP failure is told by its status line only ("HTTP 401 Unauthorized"): the body is the
 * server's (or a proxy's) text, which may echo the request, token included, and is not ours to show.
 */
export function connectionFailed(failure: KubeFailure): ConnectionResult {
  const status = failure.code === 403 ? 'UNAUTHORIZED' : (failure.connection ?? 'ERROR');
  const message =
    failure.code === undefined
      ? `${failure.reason}: ${failure.message}`
      : `HTTP ${failure.code} ${STATUS_CODES[failure.code] ?? ''}`.trimEnd();
  return { status, message, missingCrds: [], missingPermissions: [] };
}

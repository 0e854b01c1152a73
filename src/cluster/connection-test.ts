/** What a connection test found: the fabric.connection status, a message, and which fabric CRDs are missing. */
import { STATUS_CODES } from 'node:http';
import { KINDS } from '../domain/kinds.js';
import type { FabricConnection } from '../domain/states.js';
import type { KubeFailure } from './cluster-error.js';

export interface ConnectionResult {
  readonly status: Exclude<FabricConnection, 'UNKNOWN'>;
  readonly message: string;
  readonly serverVersion?: string;
  /** `<plural>.<group>` of each of the 12 kinds whose CRD is absent or does not serve its version. */
  readonly missingCrds: readonly string[];
}

interface ServedCrd {
  metadata?: { name?: string };
  spec?: { versions?: readonly { name: string; served: boolean }[] };
}

export function connectionSucceeded(serverVersion: string, crds: readonly ServedCrd[]): ConnectionResult {
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
    message: `Kubernetes ${serverVersion}; ${crdText}`,
    serverVersion,
    missingCrds,
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
  return { status, message, missingCrds: [] };
}

/**
 * Every failed cluster call becomes a ClusterError that names the object (when there is one), the
 * reason and the API's own message, and says how it is handled (style §4 example 6).
 */
import { ApiException } from '@kubernetes/client-node';
import { formatRef, type ObjectRef } from '../domain/kinds.js';

/** 'fail': needs new input or settings; 'retry': transient, worth another attempt with backoff. */
export type Handling = 'fail' | 'retry';

/** What a failure says about the cluster connection as a whole (fabric.connection axis). */
export type ConnectionProblem = 'UNREACHABLE' | 'UNAUTHORIZED' | 'ERROR';

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface KubeFailure {
  /** The Kubernetes Status reason (Invalid, NotFound, …) or a transport reason (Unreachable, Timeout, TlsUntrusted). */
  readonly reason: string;
  readonly message: string;
  readonly code?: number;
  readonly causes: readonly StatusCause[];
  readonly handling: Handling;
  readonly retryAfterMs?: number;
  /** Set when the failure is the cluster's, not this object's: every other call would fail the same way. */
  readonly connection?: ConnectionProblem;
}

const describeCauses = (causes: readonly StatusCause[]) =>
  causes.length === 0
    ? ''
    : ` (${causes.map((c) => [c.field, c.message].filter(Boolean).join(': ')).join('; ')})`;

/** What a call was about: an object, or a description such as "list VPC" or "version". */
export type Target = ObjectRef | string | undefined;

export class ClusterError extends Error {
  constructor(
    readonly target: Target,
    readonly failure: KubeFailure,
    options?: ErrorOptions,
  ) {
    const subject =
      target === undefined ? '' : `${typeof target === 'string' ? target : formatRef(target)}: `;
    super(`${subject}${failure.reason}: ${failure.message}${describeCauses(failure.causes)}`, options);
    this.name = 'ClusterError';
  }

  get ref(): ObjectRef | undefined {
    return typeof this.target === 'object' ? this.target : undefined;
  }

  get handling(): Handling {
    return this.failure.handling;
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface KubeStatus {
  reason?: string;
  message?: string;
  details?: { causes?: StatusCause[] };
}

function parseStatus(body: unknown): KubeStatus {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : { message: body };
  } catch {
    return { message: body }; // a non-Status reply (a proxy's HTML page, a raw 500): its text is the message
  }
}

function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** 500 "field not declared in schema" is rejected input, not a server hiccup (kube-api-contract §3.6). */
const isRejectedInput = (code: number, message: string) =>
  code === 500 && message.includes('failed to create typed patch object');

function fromApiException(err: ApiException<unknown>): KubeFailure {
  const status = parseStatus(err.body);
  const code = err.code;
  const message = status.message ?? `HTTP ${code}`;
  const base = { code, message, causes: status.details?.causes ?? [] };
  if (code === 401) return { ...base, reason: 'Unauthorized', handling: 'fail', connection: 'UNAUTHORIZED' };
  const transient = (code === 429 || code >= 500) && !isRejectedInput(code, message);
  const wait = retryAfterMs(err.headers);
  return {
    ...base,
    reason: status.reason || (code >= 500 ? 'InternalError' : `HTTP${code}`),
    handling: transient ? 'retry' : 'fail',
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

/** Translates anything a client-node call throws into a failure description. */
export function describeFailure(err: unknown): KubeFailure {
  if (err instanceof ClusterError) return err.failure;
  if (err instanceof ApiException) return fromApiException(err as ApiException<unknown>);
  const error = err instanceof Error ? err : new Error(String(err));
  const rawCode = (error as { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  if (TLS_CODES.has(code))
    return {
      reason: 'TlsUntrusted',
      message: `the server's certificate is not trusted (${code}); set the fabric's CA bundle`,
      causes: [],
      handling: 'fail',
      connection: 'ERROR',
    };
  if (UNREACHABLE_CODES.has(code))
    return {
      reason: 'Unreachable',
      message: error.message,
      causes: [],
      handling: 'retry',
      connection: 'UNREACHABLE',
    };
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return {
      reason: 'Timeout',
      message: 'the request timed out',
      causes: [],
      handling: 'retry',
      connection: 'UNREACHABLE',
    };
  return { reason: 'Error', message: error.message, causes: [], handling: 'fail', connection: 'ERROR' };
}

export const toClusterError = (err: unknown, target?: Target): ClusterError =>
  err instanceof ClusterError ? err : new ClusterError(target, describeFailure(err), { cause: err });

/** Fault injection for reliability tests: latency and a share of failed requests (with Retry-After). */
import { ApiError } from './status.js';

export interface FailureSpec {
  /** Fraction of requests to fail, 0..1 (default 1: every request). */
  readonly share?: number;
  readonly status?: 500 | 503 | 429;
  readonly retryAfterSeconds?: number;
  /** Stop after this many failures (default: no limit). */
  readonly count?: number;
}

const REASONS: Record<number, [string, string]> = {
  500: ['InternalError', 'Internal error occurred: injected fault'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request (injected fault)'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
};

export class FaultInjector {
  latencyMs = 0;
  private failure: FailureSpec | undefined;
  private remaining = Infinity;

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  failRequests(spec: FailureSpec = {}): void {
    this.failure = spec;
    this.remaining = spec.count ?? Infinity;
  }

  clear(): void {
    this.latencyMs = 0;
    this.failure = undefined;
  }

  /** The injected error for this request, if it is one of the failing share. */
  nextFailure(): ApiError | undefined {
    const f = this.failure;
    if (!f || this.remaining <= 0 || Math.random() >= (f.share ?? 1)) return undefined;
    this.remaining -= 1;
    const status = f.status ?? 503;
    const [reason, message] = REASONS[status]!;
    const retry = f.retryAfterSeconds ?? (status === 500 ? undefined : 1);
    return new ApiError(
      status,
      reason,
      message,
      retry !== undefined ? { retryAfterSeconds: retry } : undefined,
    );
  }
}

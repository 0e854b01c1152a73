/** Retries transient cluster failures with jittered exponential backoff, honouring Retry-After. */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './cluster-error.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 5_000 };

/** The server's Retry-After wins when it asks for longer than our own backoff would wait. */
export function backoffMs(
  attempt: number,
  { baseDelayMs, maxDelayMs }: RetryPolicy,
  retryAfterMs = 0,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2); // spread retries so a burst does not return as one
  return Math.max(jittered, Math.min(retryAfterMs, maxDelayMs * 6));
}

/** `call` must throw ClusterError; anything else, or a failure with handling 'fail', is thrown at once. */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const retryable = err instanceof ClusterError && err.handling === 'retry';
      if (!retryable || attempt >= policy.attempts || signal?.aborted) throw err;
      await sleep(backoffMs(attempt, policy, err.failure.retryAfterMs), undefined, signal ? { signal } : {});
    }
  }
}

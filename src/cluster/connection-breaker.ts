/**
 * Fails a cluster's calls together once the cluster itself cannot be reached, instead of each call
 * retrying on its own (an apply of 1,000 objects against a dead server took minutes, and every
 * object reported the same failure). After one connection failure — refused, reset, hung up,
 * timed out, no HTTP status — a single call probes again with the retry policy's backoff while the
 * others wait; any reply from the server, whatever its status, lets them all go on. `maxFailures`
 * failures in a row end every call made until then with one error naming the server. Calls made
 * after that verdict probe afresh: the next operation tries the cluster again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './cluster-error.js';
import { abortReason } from './limiter.js';
import { backoffMs, type RetryPolicy } from './retry.js';

/** The calls made between two verdicts share their failure count, their probe and their verdict. */
export interface Episode {
  failures: number;
  /** While a call probes: settles when the waiting calls should try (again). */
  probing: Promise<void> | undefined;
  verdict: ClusterError | undefined;
}

const newEpisode = (): Episode => ({ failures: 0, probing: undefined, verdict: undefined });

/** No HTTP reply at all: a status, even 500, means the server was reached. */
const isConnectionFailure = (err: unknown): err is ClusterError =>
  err instanceof ClusterError &&
  err.failure.code === undefined &&
  ['Unreachable', 'Timeout', 'TlsUntrusted'].includes(err.failure.reason);

function waitOrAbort(probing: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return probing;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const abort = () => reject(abortReason(signal));
    signal.addEventListener('abort', abort, { once: true });
    void probing.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}

export class ConnectionBreaker {
  private current = newEpisode();

  constructor(
    private readonly server: string,
    private readonly maxFailures: number,
    private readonly policy: RetryPolicy,
  ) {
    if (!Number.isInteger(maxFailures) || maxFailures < 1)
      throw new Error(`maxConnectionFailures must be a positive integer, got ${maxFailures}`);
  }

  /** Take it when the call is made, before it queues for a slot: a verdict reaches queued calls too. */
  get episode(): Episode {
    return this.current;
  }

  /** Runs one attempt of a call made during `episode`; connection failures are the breaker's to retry. */
  async attempt<T>(episode: Episode, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      if (episode.verdict) throw episode.verdict;
      if (episode.probing) {
        await waitOrAbort(episode.probing, signal);
        continue;
      }
      try {
        return this.reached(episode, await call());
      } catch (err) {
        if (!isConnectionFailure(err) || signal?.aborted) throw this.reached(episode, err);
        if (!episode.probing) return await this.probe(episode, call, err, signal);
      }
    }
  }

  private reached<V>(episode: Episode, outcome: V): V {
    if (!isConnectionFailure(outcome)) episode.failures = 0;
    return outcome;
  }

  /** This call probes for all: backoff, try again, until the server answers or the verdict is in. */
  private async probe<T>(
    episode: Episode,
    call: () => Promise<T>,
    first: ClusterError,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    let release = () => {};
    episode.probing = new Promise((resolve) => (release = resolve));
    try {
      for (let failure = first; ;) {
        episode.failures += 1;
        // An untrusted certificate does not get better by asking again.
        if (episode.failures >= this.maxFailures || failure.handling === 'fail')
          throw this.decide(episode, failure);
        await sleep(backoffMs(episode.failures, this.policy), undefined, signal ? { signal } : {});
        try {
          return this.reached(episode, await call());
        } catch (err) {
          if (!isConnectionFailure(err) || signal?.aborted) throw this.reached(episode, err);
          failure = err;
        }
      }
    } finally {
      // Settled or given up (the prober's caller aborted): the waiting calls read the verdict or try.
      episode.probing = undefined;
      release();
    }
  }

  private decide(episode: Episode, last: ClusterError): ClusterError {
    const attempts =
      episode.failures === 1
        ? 'the first connection attempt'
        : `${episode.failures} connection attempts in a row`;
    episode.verdict = new ClusterError(
      undefined,
      {
        ...last.failure,
        message: `${this.server}: ${attempts} failed (last: ${last.failure.message}); stopped calling it`,
        handling: 'fail',
      },
      { cause: last },
    );
    this.current = newEpisode();
    return episode.verdict;
  }
}

/**
 * One kind of one fabric, watched for as long as `signal` is not aborted (architecture §7): list,
 * then watch from the list's resourceVersion with bookmarks; a clean end re-watches from the last
 * version seen. It relists, and reports the differences as events, when the server no longer has
 * that version (`410 Gone`), has not reached it (504 `ResourceVersionTooLarge`: restarted empty), when
 * the fabric's namespace has a new uid (rebuilt, whatever its versions say), and every `relistMs`.
 * Any other failure, or a silent stream, reconnects after a jittered exponential backoff. One loop,
 * every way out leads back to it (style §4 example 9): unlike client-node's informer it never stops
 * on an error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Manifest } from '../domain/manifest.js';
import { ClusterError } from './cluster-error.js';
import { backoffMs, type RetryPolicy } from './retry.js';
import {
  ObjectCache,
  WATCH_EVENT_TYPES,
  versionOf,
  type WatchEvent,
  type WatchEventType,
} from './watch/cache.js';
import type { WatchSource } from './watch/source.js';
import { WatchExpiredError } from './watch/stream.js';

export { versionOf, type WatchEvent } from './watch/cache.js';
export { WatchSource, type WatchSourceOptions } from './watch/source.js';
export { WatchExpiredError } from './watch/stream.js';
export { TlsContexts } from './watch/tls-contexts.js';

/** LISTING: (re)building the cache; WATCHING: a stream is open; RETRYING: waiting to reconnect. */
export type KindWatchState = 'LISTING' | 'WATCHING' | 'RETRYING';

export interface KindWatchStatus {
  readonly kind: string;
  readonly state: KindWatchState;
  /** Why the watch is RETRYING; a ClusterError with handling 'fail' needs new settings to clear. */
  readonly error?: Error;
}

export interface KindWatchOptions {
  /** With `identity`, every resumption first checks that the cluster is still the one listed. */
  readonly source: Pick<WatchSource, 'list' | 'stream'> & Partial<Pick<WatchSource, 'identity'>>;
  readonly kind: string;
  /** Live objects known from an earlier run (stubs will do): the first list reports only differences. */
  readonly seed?: readonly Manifest[];
  /** Every change, in the server's order; must not throw. */
  readonly onEvent: (event: WatchEvent) => void;
  readonly onStatus: (status: KindWatchStatus) => void;
  readonly backoff?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** A stream that ends cleanly sooner than this, having sent nothing, counts as a failure (no hot loop). */
  readonly minStreamMs?: number;
  /**
   * Relist about this often (×0.9..1.1, so kinds spread out) even when the watch looks healthy: the
   * backstop for a cluster that lost its objects without the watch being told (a store restored at
   * a version the watch had already passed). Unset: only when the server says the version is gone.
   */
  readonly relistMs?: number;
}

const DEFAULT_WATCH_BACKOFF = { baseDelayMs: 250, maxDelayMs: 30_000 } as const;

const isEventType = (type: string): type is WatchEventType =>
  (WATCH_EVENT_TYPES as readonly string[]).includes(type);

export const isExpired = (err: unknown): boolean => err instanceof WatchExpiredError;

/** Resolves once `signal` aborts; never rejects for cluster trouble. */
export async function watchKind(options: KindWatchOptions, signal: AbortSignal): Promise<void> {
  const {
    source,
    kind,
    seed = [],
    onEvent,
    onStatus,
    backoff = DEFAULT_WATCH_BACKOFF,
    minStreamMs = 1000,
    relistMs,
  } = options;
  const cache = new ObjectCache(seed);
  const policy = { ...backoff, attempts: Infinity };
  let version: string | undefined;
  let relistAt = Infinity;
  let listedIdentity: string | undefined;
  /** `routine`: the periodic backstop, which a healthy watch does not report as a reconnection. */
  const relist = async (routine: boolean): Promise<string> => {
    if (!routine) onStatus({ kind, state: 'LISTING' });
    listedIdentity = await source.identity?.(signal);
    const snapshot = await source.list(kind, signal);
    if (relistMs) relistAt = Date.now() + relistMs * (0.9 + 0.2 * Math.random());
    for (const event of cache.replace(snapshot.objects, snapshot.resourceVersion)) onEvent(event);
    return snapshot.resourceVersion;
  };
  for (let attempt = 0; !signal.aborted;) {
    let streamSignal = signal;
    try {
      const routine = version !== undefined && Date.now() >= relistAt;
      if (version !== undefined && !routine && (await rebuilt())) version = undefined;
      const from = (routine ? undefined : version) ?? (await relist(routine));
      version = from;
      // The stream ends by itself when the next relist is due.
      if (relistAt !== Infinity)
        streamSignal = AbortSignal.any([
          signal,
          AbortSignal.timeout(Math.max(0, Math.ceil(relistAt - Date.now()))),
        ]);
      const opened = Date.now();
      let heard = false;
      await source.stream(
        kind,
        from,
        {
          onOpen: () => onStatus({ kind, state: 'WATCHING' }),
          onEvent: (type, object) => {
            heard = true;
            attempt = 0;
            version = versionOf(object) ?? version;
            if (type === 'BOOKMARK') return;
            if (!isEventType(type)) throw new Error(`watch ${kind}: unknown event type ${type}`);
            const event: WatchEvent = { type, object: { ...object, kind } };
            cache.remember(event);
            onEvent(event);
          },
        },
        streamSignal,
      );
      if (!heard && !streamSignal.aborted && Date.now() - opened < minStreamMs) await pause(attempt++);
    } catch (err) {
      if (signal.aborted) break;
      if (streamSignal.aborted) continue; // the relist came due while the stream was opening
      const error = err instanceof Error ? err : new Error(String(err));
      onStatus({ kind, state: 'RETRYING', error });
      if (isExpired(error))
        version = undefined; // relist at once: the server told us where we stand
      else await pause(attempt++);
    }
  }

  /** A cluster rebuilt behind the same address whose versions already passed ours resumes silently: ask. */
  async function rebuilt(): Promise<boolean> {
    const now = await source.identity?.(signal);
    return listedIdentity !== undefined && now !== undefined && now !== listedIdentity;
  }

  async function pause(attempt: number): Promise<void> {
    // An abort ends the pause early; the loop condition then ends the watch.
    await sleep(backoffMs(attempt + 1, policy), undefined, { signal }).catch(() => undefined);
  }
}

/** True when retrying cannot help until the fabric's settings (or the cluster's set-up) change. */
export const needsAttention = (err: Error | undefined): boolean =>
  err instanceof ClusterError && err.handling === 'fail';

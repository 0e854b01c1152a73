/**
 * One kind of one fabric, watched for as long as `signal` is not aborted (architecture §7): list,
 * then watch from the list's resourceVersion with bookmarks; a clean end re-watches from the last
 * version seen; `410 Gone` relists and reports the differences as events; any other failure, or a
 * silent stream, reconnects after a jittered exponential backoff. One loop, every way out leads back
 * to it (style §4 example 9): unlike client-node's informer it never stops on an error.
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
  readonly source: Pick<WatchSource, 'list' | 'stream'>;
  readonly kind: string;
  /** Live objects known from an earlier run (stubs will do): the first list reports only differences. */
  readonly seed?: readonly Manifest[];
  /** Every change, in the server's order; must not throw. */
  readonly onEvent: (event: WatchEvent) => void;
  readonly onStatus: (status: KindWatchStatus) => void;
  readonly backoff?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** A stream that ends cleanly sooner than this, having sent nothing, counts as a failure (no hot loop). */
  readonly minStreamMs?: number;
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
  } = options;
  const cache = new ObjectCache(seed);
  const policy = { ...backoff, attempts: Infinity };
  let version: string | undefined;
  const relist = async (): Promise<string> => {
    onStatus({ kind, state: 'LISTING' });
    const snapshot = await source.list(kind, signal);
    for (const event of cache.replace(snapshot.objects, snapshot.resourceVersion)) onEvent(event);
    return snapshot.resourceVersion;
  };
  for (let attempt = 0; !signal.aborted;) {
    try {
      const from = version ?? (await relist());
      version = from;
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
        signal,
      );
      if (!heard && Date.now() - opened < minStreamMs) await pause(attempt++);
    } catch (err) {
      if (signal.aborted) break;
      const error = err instanceof Error ? err : new Error(String(err));
      onStatus({ kind, state: 'RETRYING', error });
      if (isExpired(error))
        version = undefined; // relist at once: the server told us where we stand
      else await pause(attempt++);
    }
  }

  async function pause(attempt: number): Promise<void> {
    // An abort ends the pause early; the loop condition then ends the watch.
    await sleep(backoffMs(attempt + 1, policy), undefined, { signal }).catch(() => undefined);
  }
}

/** True when retrying cannot help until the fabric's settings (or the cluster's set-up) change. */
export const needsAttention = (err: Error | undefined): boolean =>
  err instanceof ClusterError && err.handling === 'fail';

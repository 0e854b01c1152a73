/** Watch streams: newline-delimited JSON events, RV resume, bookmarks, timeouts (contract §5). */
import type { Backend } from './backend.js';
import type { ApiCall } from './call.js';
import { parseRv, tooLargeRv } from './list.js';
import { parseSelectors } from './selectors.js';
import { withRv, type StoreEvent } from './store.js';
import { ApiError } from './status.js';
import type { KubeObject } from './types.js';
import { apiVersionOf, typeKey } from './types.js';

export interface WatchOptions {
  readonly bookmarkIntervalMs: number;
  /** Open streams, so faults and shutdown can end them. */
  readonly streams: Set<WatchStream>;
}

export interface WatchStream {
  /** Ends the stream: cleanly (the client re-watches) or by cutting the connection. */
  end(abrupt?: boolean): void;
}

type Matcher = (o: KubeObject) => boolean;

/** The event a watcher with this selector sees, if any (selectors judge old and new state). */
function translate(event: StoreEvent, matches: Matcher): { type: string; object: KubeObject } | undefined {
  const now = event.type !== 'DELETED' && matches(event.object);
  const before = event.prev !== undefined && matches(event.prev);
  if (event.type === 'DELETED') return before ? { type: 'DELETED', object: event.object } : undefined;
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: event.object };
  return before ? { type: 'DELETED', object: withRv(event.prev, event.rv) } : undefined;
}

/** Each event is serialized once, however many watchers send it. */
const lines = new WeakMap<StoreEvent, string>();
function lineOf(event: StoreEvent): string {
  let line = lines.get(event);
  if (line === undefined)
    lines.set(event, (line = `${JSON.stringify({ type: event.type, object: event.object })}\n`));
  return line;
}

const parseStart = (value: string | null): number | undefined =>
  value === null || value === '' || value === '0' ? undefined : parseRv(value);

/** What a watch needs of an HTTP/1.1 or HTTP/2 response. */
export interface StreamResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
  /** HTTP/1.1 only: HTTP/2 sends the headers at writeHead. */
  flushHeaders?(): void;
}

function openStream(res: StreamResponse): (payload: unknown) => void {
  // No Transfer-Encoding: HTTP/1.1 chunks a body without Content-Length anyway, and HTTP/2 forbids it.
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders?.();
  return (payload) => res.write(`${JSON.stringify(payload)}\n`);
}

/** What a new watcher sees first: synthetic ADDED events (no RV) or the changes after its RV. */
function backlogOf(b: Backend, key: string, start: number | undefined, matches: Matcher): unknown[] {
  if (start === undefined)
    return b.store
      .list(key)
      .filter(matches)
      .map((object) => ({ type: 'ADDED', object }));
  return b.store
    .eventsSince(start, '')
    .flatMap((e) => (e.typeKey === key ? (translate(e, matches) ?? []) : []));
}

/** Bookmarks and timeoutSeconds; returns the timers to clear. */
function scheduleTimers(
  b: Backend,
  call: ApiCall,
  options: WatchOptions,
  send: (p: unknown) => void,
  end: () => void,
) {
  const { type, query } = call;
  const timers: NodeJS.Timeout[] = [];
  if (query.get('allowWatchBookmarks') === 'true') {
    const metadata = () => ({ resourceVersion: String(b.store.currentRv) });
    const bookmark = () =>
      send({
        type: 'BOOKMARK',
        object: { apiVersion: apiVersionOf(type), kind: type.kind, metadata: metadata() },
      });
    timers.push(setInterval(bookmark, options.bookmarkIntervalMs));
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
  if (timeoutSeconds > 0) timers.push(setTimeout(end, timeoutSeconds * 1000));
  return timers;
}

export function watch(b: Backend, call: ApiCall, res: StreamResponse, options: WatchOptions): void {
  const { type } = call;
  const selector = parseSelectors(call.query);
  const inScope = (o: KubeObject) =>
    !type.namespaced || call.namespace === undefined || o.metadata?.namespace === call.namespace;
  const matches = (o: KubeObject) => inScope(o) && selector(o);
  const start = parseStart(call.query.get('resourceVersion'));
  const key = typeKey(type);
  const send = openStream(res);
  // Both after the 200, as ERROR events (contract §5.1); the real server waits ~3 s before the second.
  const refusal =
    start === undefined
      ? undefined
      : b.store.isCompacted(start)
        ? new ApiError(410, 'Expired', `too old resource version: ${start} (${b.store.currentRv})`)
        : start > b.store.currentRv
          ? tooLargeRv(start, b.store.currentRv)
          : undefined;
  if (refusal) {
    send({ type: 'ERROR', object: refusal.toStatus() });
    res.end();
    return;
  }
  backlogOf(b, key, start, matches).forEach(send);
  const unsubscribe = b.store.subscribe((event) => {
    const out = event.typeKey === key ? translate(event, matches) : undefined;
    if (out)
      res.write(
        out.type === event.type && out.object === event.object ? lineOf(event) : `${JSON.stringify(out)}\n`,
      );
  });
  const stream: WatchStream = {
    end: (abrupt = false) => {
      cleanup();
      if (abrupt) res.destroy();
      else res.end();
    },
  };
  const timers = scheduleTimers(b, call, options, send, () => stream.end());
  const cleanup = () => {
    unsubscribe();
    timers.forEach((t) => clearTimeout(t));
    options.streams.delete(stream);
  };
  options.streams.add(stream);
  res.on('close', cleanup);
}

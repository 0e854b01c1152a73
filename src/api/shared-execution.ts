/**
 * A subscription event is executed once per (event, operation, grants) on this replica rather than
 * once per subscriber. The subscribe resolvers give every local subscriber of an event the same root
 * value, and subscribers with equal grants, document and variables are owed the same result: resolvers
 * decide on grants alone. Each execution gets a fresh context (fresh loaders, so nothing is cached
 * from one event to the next); the subscriber's own context still runs its subscribe resolver, which
 * authorizes every event for that subscriber.
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

/** Entries expire `ttlMs` after they were added; each `set` sweeps from the oldest, so no timers. */
class RecentCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > this.now() ? entry.value : undefined;
  }

  set(key: K, value: V): V {
    const now = this.now();
    for (const [old, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(old);
    }
    this.entries.delete(key); // re-added at the end, keeping the map in expiry order
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    return value;
  }
}

/** Every local subscriber of one event takes it well within this; later ones execute it again. */
const SHARE_MS = 1000;

export interface Sharing {
  /** Equal for subscribers owed equal results: grants, document, variables and operation name. */
  readonly key: string;
  /** A fresh context with the subscriber's authorization, for executing one event. */
  readonly context: () => unknown;
}

/** The recent events of one subscription server, by the envelope every local subscriber shares. */
export class SharedEvents {
  private readonly roots = new RecentCache<object, Promise<unknown>>(SHARE_MS);
  private readonly results = new RecentCache<object, Map<string, Promise<ExecutionResult>>>(SHARE_MS);

  /** `make()` once per event: the root value (and its entity load) every subscriber of it receives. */
  once<V>(event: object, make: () => Promise<V>): Promise<V> {
    return (this.roots.get(event) as Promise<V> | undefined) ?? (this.roots.set(event, make()) as Promise<V>);
  }

  /** graphql's `subscribe`, with each event's execution shared as described above. */
  async subscribe(
    args: ExecutionArgs,
    sharing: Sharing,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const source = stream[Symbol.asyncIterator]();
    // An object, not an async generator: return() must reach the source at once, even while it waits.
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const item = await source.next();
        if (item.done) return item;
        try {
          return { done: false, value: await this.execute(args, sharing, item.value) };
        } catch (err) {
          // graphql-ws forgets a subscription whose next() failed without calling return(): end it here.
          await source.return?.();
          throw err;
        }
      },
      return: async () => {
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private execute(args: ExecutionArgs, sharing: Sharing, payload: unknown): Promise<ExecutionResult> {
    const run = () =>
      Promise.resolve(execute({ ...args, rootValue: payload, contextValue: sharing.context() }));
    if (typeof payload !== 'object' || payload === null) return run();
    const byKey = this.results.get(payload) ?? this.results.set(payload, new Map());
    let result = byKey.get(sharing.key);
    if (!result) byKey.set(sharing.key, (result = run()));
    return result;
  }
}

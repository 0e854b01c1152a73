/**
 * Whole GraphQL responses kept per (token, Accept header, request body), so repeated identical
 * queries skip parsing, execution and the database. A response is kept only while nothing has
 * changed since its execution began: every committed write, on any replica, reaches
 * `invalidate()` through PostgreSQL notifications (store/data-changes.ts) and empties the cache, and
 * while notifications cannot arrive the cache is not used at all. What a response may show is
 * fixed by its token, and the token is authenticated again before every lookup.
 *
 * Only queries are kept, only without errors, and only queries whose fields all read the database
 * (every Query field does today; a field reading the clock or a cluster would have to opt out here).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { BoundedMap } from '../domain/bounded-map.js';

export interface CachedResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

interface Entry extends CachedResponse {
  /** What the entry holds at most, in bytes (see `bytesOf`). */
  readonly bytes: number;
}

/** The map entry, the entry object and its header pairs, roughly. */
const ENTRY_OVERHEAD_BYTES = 300;

/** An upper bound: V8 stores a string in one byte per character, or two when any is beyond Latin-1. */
const bytesOf = (key: string, response: CachedResponse) =>
  2 * (key.length + response.body.length) + ENTRY_OVERHEAD_BYTES;

/** Bodies above this are not looked up (a large mutation or query document is rarely repeated). */
const MAX_KEYED_BODY = 16 * 1024;

export class ResponseCache {
  /** Advances with every change; a response stores only if it did not advance during execution. */
  private generation = 0;
  private listening = false;
  private readonly entries: BoundedMap<string, Entry>;
  /** Since start, for /metrics. */
  readonly counts = { hits: 0, misses: 0, invalidations: 0 };

  constructor(private readonly maxBytes: number) {
    this.entries = new BoundedMap(maxBytes, (entry) => entry.bytes);
  }

  /** The key of a request that may be served from the cache, or undefined when it may not. */
  keyOf(tokenId: string, headers: IncomingHttpHeaders, body: Buffer): string | undefined {
    if (body.length === 0 || body.length > MAX_KEYED_BODY) return undefined;
    // Apollo accepts JSON bodies without a CSRF preflight header; other types take its full path.
    if (!headers['content-type']?.startsWith('application/json')) return undefined;
    return `${tokenId}\u0000${headers.accept ?? ''}\u0000${body.toString('utf8')}`;
  }

  get(key: string): CachedResponse | undefined {
    if (!this.listening) return undefined;
    const entry = this.entries.get(key);
    if (!entry) {
      this.counts.misses += 1;
      return undefined;
    }
    this.counts.hits += 1;
    return entry;
  }

  /** Taken before executing; `set` with it is refused if anything changed in between. */
  ticket(): number {
    return this.generation;
  }

  set(key: string, ticket: number, response: CachedResponse): void {
    const bytes = bytesOf(key, response);
    if (!this.listening || ticket !== this.generation || bytes > this.maxBytes / 4) return;
    this.entries.set(key, { ...response, bytes });
  }

  /** Something was (or may have been) written: no kept response is current any more. */
  invalidate(): void {
    this.generation += 1;
    this.counts.invalidations += 1;
    this.entries.clear();
  }

  /** Whether changes are being heard; without them nothing is served or kept. */
  setListening(listening: boolean): void {
    this.listening = listening;
    this.invalidate();
  }

  get size(): number {
    return this.entries.size;
  }

  /** An upper bound of the memory the kept responses take. */
  get bytes(): number {
    return this.entries.weight;
  }
}

/**
 * What Apollo learned about one HTTP request, filled in by `outcomePlugin`. It rides inside the
 * context because Apollo hands resolvers and plugins a copy of the context object, not the original.
 */
export interface RequestOutcome {
  operation?: OperationTypeNode;
  /** Executed and answered without errors. */
  clean?: boolean;
}

export const outcomePlugin: ApolloServerPlugin<{ readonly outcome?: RequestOutcome }> = {
  requestDidStart: async () => ({
    executionDidStart: async ({ contextValue, operation }) => {
      if (contextValue.outcome && operation) contextValue.outcome.operation = operation.operation;
    },
    willSendResponse: async ({ contextValue, response, errors }) => {
      const body = response.body;
      if (
        contextValue.outcome &&
        !errors?.length &&
        body.kind === 'single' &&
        !body.singleResult.errors?.length
      )
        contextValue.outcome.clean = true;
    },
  }),
};

export const isCacheableQuery = (outcome: RequestOutcome): boolean =>
  outcome.operation === OperationTypeNode.QUERY && outcome.clean === true;

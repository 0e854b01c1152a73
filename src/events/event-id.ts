/**
 * Event ids: decimal integer strings, strictly increasing and gapless within one life of a (topic,
 * scope). A life starts at the wall clock in microseconds: when the scope is created, and with Redis
 * when the server restarted since the scope was last written (perhaps from an older snapshot, see
 * redis-history.ts). So ids never repeat across lives, and a client resuming from an earlier life
 * (or from before a restart) is told to resync instead of getting wrong events or silently none.
 * Ids stay below 2^53, so they are exact JavaScript numbers.
 */
import { badInput } from '../domain/errors.js';

/** `after: FROM_OLDEST` replays every kept event of the scope, then follows live ones; never expires. */
export const FROM_OLDEST = '0';

const EVENT_ID = /^(0|[1-9]\d{0,15})$/;

/** Parses a client-supplied `after`; anything else is the client's mistake. */
export function parseEventId(value: string): number {
  const id = EVENT_ID.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw badInput('after', `'${value}' is not an event id (decimal digits)`);
  return id;
}

/** The id before a new scope's first event: the clock in microseconds. */
export const scopeBaseId = (nowMs: number): number => Math.floor(nowMs) * 1000;

/** What a scope's history holds: the newest id ever assigned and the oldest id still kept. */
export interface HistoryBounds {
  readonly lastId?: number;
  readonly firstKeptId?: number;
}

/** Whether every event after `after` can still be replayed (or nothing was missed). */
export function canResume(after: number, { lastId, firstKeptId }: HistoryBounds): boolean {
  if (after === 0) return true;
  if (lastId === undefined || after > lastId) return false; // unknown scope, or an id from another life
  return after === lastId || (firstKeptId !== undefined && firstKeptId <= after + 1);
}

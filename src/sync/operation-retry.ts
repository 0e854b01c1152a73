/**
 * An operation's outcome must be stored even when the database connection it was about to use has
 * just died (its backend killed, a failover): the pool hands out a fresh connection on the next
 * attempt. Only a lost connection is retried; any other error is the write's answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const ATTEMPTS = 4;
const FIRST_PAUSE_MS = 100;

/** SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server ended the session). */
const LOST_SQLSTATE = /^(08|57P0[123])/;
const LOST_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
/** node-postgres says so in words only. */
const LOST_MESSAGE = /connection terminated|not queryable|connection (?:is )?closed/i;

export function isConnectionLost(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_SQLSTATE.test(code) || LOST_ERRNO.has(code))) return true;
  return LOST_MESSAGE.test(err.message);
}

/** Runs `write`, again after 100, 200 and 400 ms while it fails because its connection was lost. */
export async function retryOnLostConnection<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt === ATTEMPTS || !isConnectionLost(err)) throw err;
      await sleep(FIRST_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}

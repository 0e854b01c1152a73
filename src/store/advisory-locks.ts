/**
 * PostgreSQL session advisory locks on a dedicated connection: held while the work runs, released
 * when it ends or when the process (and so its session) dies, which is what lets another replica
 * take over. Keys are text, hashed by PostgreSQL.
 */
import type { EventEmitter } from 'node:events';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * A check unanswered this long counts as a lost session. Generous: a busy event loop must not
 * abandon a lock that is still held; a killed session is seen at once by its error and end events.
 */
const CHECK_ANSWER_MS = 3_000;

export interface Lease {
  readonly key: string;
  release(): Promise<void>;
  /** True while the session that holds the lock is alive. */
  isHeld(): Promise<boolean>;
}

/** A lease on a session of its own, which knows when that session is gone. */
export interface WatchedLease extends Lease {
  /**
   * Aborts, with the reason as an Error, once the session fails or ends, or a check (`select 1`
   * every `checkEveryMs`) fails or goes unanswered: from then on the lock may be anyone's.
   */
  readonly lost: AbortSignal;
}

export interface AcquireOptions {
  /** How often the session is asked whether it is alive, besides its own error and end events. */
  readonly checkEveryMs?: number;
}

export class AdvisoryLocks {
  constructor(private readonly orm: MikroORM) {}

  tryAcquire(key: string): Promise<Lease | null> {
    return this.tryAcquireWatched(key);
  }

  async tryAcquireWatched(key: string, { checkEveryMs }: AcquireOptions = {}): Promise<WatchedLease | null> {
    const knex = this.orm.em.getConnection().getKnex();
    const connection = (await knex.client.acquireConnection()) as EventEmitter;
    let held = false;
    try {
      const result = await knex
        .raw('select pg_try_advisory_lock(hashtextextended(?, 0)) as locked', [key])
        .connection(connection);
      held = Boolean(result.rows[0]?.locked);
    } finally {
      if (!held) await knex.client.releaseConnection(connection);
    }
    if (!held) return null;

    const lost = new AbortController();
    const lose = (reason: Error) => {
      if (!lost.signal.aborted) lost.abort(reason);
      unwatch();
    };
    const onError = (err: Error) => lose(new Error(`its database session failed: ${err.message}`));
    const onEnd = () => lose(new Error('its database session ended'));
    connection.on('error', onError);
    connection.on('end', onEnd);
    let checking = false;
    const check = () => {
      if (checking) return;
      checking = true;
      const unanswered = setTimeout(
        () => lose(new Error(`its database session did not answer within ${CHECK_ANSWER_MS} ms`)),
        CHECK_ANSWER_MS,
      );
      knex
        .raw('select 1')
        .connection(connection)
        .then(
          () => undefined,
          (err: unknown) => lose(new Error(`its database session failed: ${String(err)}`)),
        )
        .finally(() => {
          clearTimeout(unanswered);
          checking = false;
        });
    };
    const timer = checkEveryMs ? setInterval(check, checkEveryMs) : undefined;
    timer?.unref();
    function unwatch() {
      clearInterval(timer);
      connection.off('error', onError);
      connection.off('end', onEnd);
    }

    let released = false;
    return {
      key,
      lost: lost.signal,
      async release() {
        if (released) return;
        released = true;
        unwatch();
        try {
          if (!lost.signal.aborted)
            await knex.raw('select pg_advisory_unlock(hashtextextended(?, 0))', [key]).connection(connection);
        } finally {
          await knex.client.releaseConnection(connection);
        }
      },
      async isHeld() {
        if (released || lost.signal.aborted) return false;
        try {
          await knex.raw('select 1').connection(connection);
          return true;
        } catch {
          // The session is gone, and with it the lock: the caller must stop acting as its owner.
          return false;
        }
      },
    };
  }
}

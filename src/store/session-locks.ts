/**
 * Many session advisory locks on ONE dedicated connection. AdvisoryLocks takes a pooled connection
 * per lease, so a replica watching 100 fabrics would hold 100 of the pool's connections; here the
 * watch leases of a replica share one session, and when that session dies every lease it held is
 * lost at once, as it is in PostgreSQL. The next acquire opens a new session.
 */
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Lease } from './advisory-locks.js';

type Connection = unknown;

interface Session {
  readonly connection: Connection;
  alive: boolean;
  /** One statement at a time: a pg connection must not be handed a query while it runs another. */
  queue: Promise<unknown>;
}

export class SessionLocks {
  private session: Promise<Session> | undefined;

  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  async tryAcquire(key: string): Promise<Lease | null> {
    const session = await this.current();
    const result = await this.run(session, 'select pg_try_advisory_lock(hashtextextended(?, 0)) as locked', [
      key,
    ]);
    if (!result.rows[0]?.locked) return null;
    let released = false;
    return {
      key,
      release: async () => {
        if (released || !session.alive) return;
        released = true;
        await this.run(session, 'select pg_advisory_unlock(hashtextextended(?, 0))', [key]);
      },
      isHeld: async () => {
        if (released || !session.alive) return false;
        await this.run(session, 'select 1', []).catch(() => undefined); // a failure marks the session dead
        return session.alive;
      },
    };
  }

  /** Ends the session, and with it every lock it holds. */
  async close(): Promise<void> {
    const session = await this.session?.catch(() => undefined);
    this.session = undefined;
    if (!session) return;
    if (session.alive) await this.run(session, 'select pg_advisory_unlock_all()', []);
    await this.retire(session);
  }

  /** The id of the session's backend process (tests end it to simulate a replica losing its database). */
  async backendPid(): Promise<number> {
    const result = await this.run(await this.current(), 'select pg_backend_pid() as pid', []);
    return Number(result.rows[0]?.pid);
  }

  /** Chained, so concurrent callers share one session; a dead one is returned to the pool and replaced. */
  private current(): Promise<Session> {
    const previous = (this.session ?? Promise.resolve(undefined)).catch(() => undefined);
    this.session = previous.then(async (session): Promise<Session> => {
      if (session?.alive) return session;
      const connection = (await this.knex.client.acquireConnection()) as Connection;
      return { connection, alive: true, queue: Promise.resolve() };
    });
    return this.session;
  }

  /** Returns a dead (or closed) session's connection to the pool, which discards a broken one. */
  private async retire(session: Session): Promise<void> {
    if (!session.alive) return;
    session.alive = false;
    await this.knex.client.releaseConnection(session.connection);
  }

  private run(session: Session, sql: string, bindings: readonly unknown[]) {
    const query = async () => {
      try {
        const result: { rows: Record<string, unknown>[] } = await this.knex
          .raw(sql, bindings as Knex.RawBinding[])
          .connection(session.connection);
        return result;
      } catch (err) {
        await this.retire(session); // every lock of this session is gone with it; callers see isHeld() === false
        throw err;
      }
    };
    const result = session.queue.then(query, query);
    session.queue = result.catch(() => undefined); // the next statement runs whatever this one did
    return result;
  }
}

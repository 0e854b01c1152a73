/**
 * PostgreSQL session advisory locks on a dedicated connection: held while the work runs, released
 * when it ends or when the process (and so its session) dies, which is what lets another replica
 * take over. Keys are text, hashed by PostgreSQL.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

export interface Lease {
  readonly key: string;
  release(): Promise<void>;
  /** True while the session that holds the lock is alive. */
  isHeld(): Promise<boolean>;
}

export class AdvisoryLocks {
  constructor(private readonly orm: MikroORM) {}

  async tryAcquire(key: string): Promise<Lease | null> {
    const knex = this.orm.em.getConnection().getKnex();
    const connection = await knex.client.acquireConnection();
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
    let released = false;
    return {
      key,
      async release() {
        if (released) return;
        released = true;
        try {
          await knex.raw('select pg_advisory_unlock(hashtextextended(?, 0))', [key]).connection(connection);
        } finally {
          await knex.client.releaseConnection(connection);
        }
      },
      async isHeld() {
        if (released) return false;
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

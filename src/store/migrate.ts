/**
 * Applies pending migrations under a PostgreSQL advisory lock, so several replicas starting at once
 * migrate exactly once; the others wait, then find nothing pending.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

/** An arbitrary constant that names "schema migration" among fabric-sync's advisory locks. */
const MIGRATION_LOCK_KEY = 4_242_001;

export async function migrateToLatest(orm: MikroORM): Promise<string[]> {
  const knex = orm.em.getConnection().getKnex();
  const connection = await knex.client.acquireConnection();
  try {
    await knex.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
    try {
      const applied = await orm.getMigrator().up();
      return applied.map((m) => m.name);
    } finally {
      await knex.raw('select pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** Names of migrations not yet applied; /readyz reports not-ready while any remain. */
export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.map((m) => m.name);
}

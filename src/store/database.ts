/** Opens the configured database (or the embedded one) and brings its schema up to date. */
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { createOrm } from './orm.js';
import { migrateToLatest } from './migrate.js';

export interface Database {
  readonly orm: MikroORM;
  readonly embedded: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  readonly migrate?: boolean;
  readonly onQuery?: (sql: string) => void;
}

type DatabaseSettings = Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>;

export async function openDatabase(
  config: DatabaseSettings,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const { migrate = true, onQuery } = options;
  let embedded: EmbeddedPostgres | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(config.dataDir, 'pg'),
      // The pool, plus what runs beside it: the change feed's and the watch leases' sessions.
      maxConnections: config.databasePoolSize + 10,
    });
  }
  const clientUrl = config.databaseUrl ?? embedded!.url;
  const orm = await createOrm({
    clientUrl,
    poolSize: config.databasePoolSize,
    ...(onQuery ? { onQuery } : {}),
  }).catch(async (err: unknown) => {
    await embedded?.stop();
    throw err;
  });
  if (migrate) await migrateToLatest(orm);
  return {
    orm,
    embedded: embedded !== undefined,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

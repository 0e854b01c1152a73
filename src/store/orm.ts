/** Builds the MikroORM instance; the composition root owns its lifetime. */
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITY_SCHEMAS } from './entities/index.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { projectPath } from '../project-root.js';

export const MIGRATIONS_DIR = projectPath('migrations');

export interface OrmOptions {
  readonly clientUrl: string;
  readonly poolSize?: number;
  /** Called with every SQL statement; tests count statements with it. */
  readonly onQuery?: (sql: string) => void;
}

export function ormConfig({ clientUrl, poolSize = 10 }: Omit<OrmOptions, 'onQuery'>): Options {
  return {
    clientUrl,
    entities: ENTITY_SCHEMAS,
    pool: { min: 0, max: poolSize },
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      migrationsList: MIGRATIONS,
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Explicit schemas, no reflection: nothing to discover at run time.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: false,
    colors: false,
  };
}

export async function createOrm({ onQuery, ...options }: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(options));
  // Every statement, from the ORM and from set-based knex queries alike, passes through knex.
  if (onQuery)
    orm.em
      .getConnection()
      .getKnex()
      .on('query', (query: { sql: string }) => onQuery(query.sql));
  return orm;
}

/** Builds the MikroORM instance; the composition root owns its lifetime. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITY_SCHEMAS } from './entities/index.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface OrmOptions {
  readonly clientUrl: string;
  readonly poolSize?: number;
  /** Called with every SQL statement; tests count statements with it. */
  readonly onQuery?: (sql: string) => void;
}

export function ormConfig({ clientUrl, poolSize = 10, onQuery }: OrmOptions): Options {
  return {
    clientUrl,
    entities: ENTITY_SCHEMAS,
    pool: { min: 0, max: poolSize },
    extensions: [Migrator],
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: '!(*.d).{js,ts}',
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    // Explicit schemas, no reflection: nothing to discover at run time.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    debug: onQuery ? ['query'] : false,
    logger: onQuery ? (message: string) => onQuery(message) : () => undefined,
    colors: false,
  };
}

export const createOrm = (options: OrmOptions): Promise<MikroORM> => MikroORM.init(ormConfig(options));

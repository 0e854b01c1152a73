/**
 * `npm run migrate` applies pending migrations; `npm run migration:create` writes a new one from the
 * difference between the entity schemas and a scratch database (DATABASE_URL, or embedded).
 */
import { loadConfig } from '../config.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

const create = process.argv.includes('--create');
const config = loadConfig();
const database = await openDatabase(config, { migrate: false });
try {
  if (create) {
    await migrateToLatest(database.orm);
    const result = await database.orm.getMigrator().createMigration(undefined, false, false);
    console.log(
      result.fileName ? `wrote migrations/${result.fileName}` : 'schema is up to date: nothing to write',
    );
  } else {
    const applied = await migrateToLatest(database.orm);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations');
  }
} finally {
  await database.close();
}

/**
 * `npm run migrate` applies pending migrations; `npm run migration:create` writes a new one from the
 * difference between the entity schemas and a scratch database (DATABASE_URL, or embedded).
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { MIGRATIONS_DIR } from './orm.js';
import { openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';

const create = process.argv.includes('--create');
const config = loadConfig();
const database = await openDatabase(config, { migrate: false });
try {
  if (create) {
    await migrateToLatest(database.orm);
    const result = await database.orm.getMigrator().createMigration(undefined, false, false);
    if (result.fileName) await writeMigrationIndex();
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

/** Rewrites migrations/index.ts: every Migration*.ts file, in name (= time) order. */
async function writeMigrationIndex(): Promise<void> {
  const names = (await readdir(MIGRATIONS_DIR))
    .filter((f) => /^Migration\d+\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const imports = names.map((n) => `import { ${n} } from './${n}.js';`).join('\n');
  const list = names.map((n) => `  { name: '${n}', class: ${n} },`).join('\n');
  const header =
    '// The migrations in order; `npm run migration:create` rewrites this list. Imported statically so\n// the same list works under tsx, vitest and a compiled build.\n';
  await writeFile(
    path.join(MIGRATIONS_DIR, 'index.ts'),
    `${header}${imports}\n\nexport const MIGRATIONS = [\n${list}\n];\n`,
  );
}

// The migrations in order; `npm run migration:create` rewrites this list. Imported statically so
// the same list works under tsx, vitest and a compiled build.
import { Migration20261126142014 } from './Migration20261126142014.js';
import { Migration20261126193000 } from './Migration20261126193000.js';
import { Migration20261208010909 } from './Migration20261208010909.js';
import { Migration20261208011225 } from './Migration20261208011225.js';
import { Migration20261208012513 } from './Migration20261208012513.js';
import { Migration20261208013000 } from './Migration20261208013000.js';
import { Migration20261208022112 } from './Migration20261208022112.js';
import { Migration20261208023858 } from './Migration20261208023858.js';
import { Migration20261208023951 } from './Migration20261208023951.js';

export const MIGRATIONS = [
  { name: 'Migration20261126142014', class: Migration20261126142014 },
  { name: 'Migration20261126193000', class: Migration20261126193000 },
  { name: 'Migration20261208010909', class: Migration20261208010909 },
  { name: 'Migration20261208011225', class: Migration20261208011225 },
  { name: 'Migration20261208012513', class: Migration20261208012513 },
  { name: 'Migration20261208013000', class: Migration20261208013000 },
  { name: 'Migration20261208022112', class: Migration20261208022112 },
  { name: 'Migration20261208023858', class: Migration20261208023858 },
  { name: 'Migration20261208023951', class: Migration20261208023951 },
];

/**
 * A bench role run as production runs the server: bundled with `npm run build`'s options
 * (scripts/build.ts) and started by plain `node`, so its memory and CPU are the deployed form's,
 * without tsx's loader thread and transform cache.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../scripts/build.js';
import { PROJECT_ROOT } from '../src/project-root.js';

/** Inside the project (git-ignored), so the bundle finds the project root as dist/main.js does. */
const WORK_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '.work');

export interface BundledRole {
  /** The file to fork with plain node. */
  readonly entry: string;
  remove(): Promise<void>;
}

/**
 * Bundles `module` and writes an entry that calls its export `start`. The entry is a file of its
 * own because src/main.ts runs `main()` when its module URL is the process's entry script, and in a
 * bundle every module has the bundle's URL.
 */
export async function bundleRole(module: string, start: string): Promise<BundledRole> {
  const dir = await workDir(module);
  await buildServer(module, path.join(dir, 'role.js'));
  const entry = path.join(dir, 'entry.mjs');
  await writeFile(entry, `import { ${start} } from './role.js';\nawait ${start}();\n`);
  return { entry, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The server itself, src/main.ts, bundled as `npm run build` bundles it. */
export async function bundleServer(): Promise<BundledRole> {
  const main = path.join(PROJECT_ROOT, 'src', 'main.ts');
  const dir = await workDir(main);
  const entry = path.join(dir, 'main.js');
  await buildServer(main, entry);
  return { entry, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function workDir(module: string): Promise<string> {
  await mkdir(WORK_DIR, { recursive: true });
  return mkdtemp(path.join(WORK_DIR, `${path.basename(module, '.ts')}-`));
}

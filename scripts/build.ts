/**
 * `npm run build`: the server as one ESM file, dist/main.js, run with plain `node` in production.
 * tsx compiles every module at load and keeps a loader thread and its cache alive for the life of
 * the process (~110 MB of RSS); the bundle pays for neither. npm packages stay external (imported
 * from node_modules as they are), so native and WebAssembly modules load as their authors intended.
 * The bench bundles its server role with these same options (bench/subscriptions.ts).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/** How every server bundle is built: production's and the bench's. */
export const SERVER_BUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // A map beside the bundle for reading stack traces; node applies it only with --enable-source-maps.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * The node flags production runs the bundle with: `npm start`, the Dockerfile's CMD and the
 * subscriptions bench use these (test/build.test.ts holds the first two to this list).
 * --heap-growing-percent: after each full GC V8 lets the old generation grow to up to 4× what
 * survived before collecting again; the server's live heap is ~100 MB, so its RSS peaked near
 * 500 MB on garbage. 1.3× keeps the peak near the live size for a few more (incremental,
 * concurrent) major GCs, without capping the heap: a large sync still gets what it needs.
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=30'] as const;

export async function buildServer(entry: string, outfile: string): Promise<void> {
  await build({ ...SERVER_BUILD, entryPoints: [entry], outfile });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  await buildServer(path.join(root, 'src/main.ts'), path.join(root, 'dist/main.js'));
}

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
const SERVER_BUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // A map beside the bundle, for reading stack traces. Node applies it only with --enable-source-maps,
  // which production leaves off: it held 15–25 MB more RSS (node parses every loaded package's map).
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * How production runs the bundle: `npm start`, the Dockerfile and the subscriptions bench use these
 * (test/production-build.test.ts holds the first two to them). Each was measured with the
 * subscriptions bench (1,000 subscribers, 1,200 watch streams), none caps the heap:
 * --heap-growing-percent=30: after a full GC V8 let the old generation grow to up to 4× what
 *   survived before the next one; with ~100 MB live, the RSS peaked near 500 MB on garbage.
 * --max-semi-space-size=8: a young generation of 2 × 8 MB instead of 2 × 16 MB (−13 MB of RSS,
 *   +0.03 cores of scavenging).
 */
export const SERVER_NODE_FLAGS = ['--heap-growing-percent=30', '--max-semi-space-size=8'] as const;

/**
 * MALLOC_MMAP_THRESHOLD_: blocks of 16 KiB and more (TLS record and BIO buffers, socket reads) get
 * their own mapping, returned to the system when freed. In the shared C heap, what 1,200 watch
 * streams' TLS handshakes and buffers freed stayed resident (~20 MB). glibc reads it at start, so
 * it is set in the environment, not from JavaScript.
 */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: '16384' } as const;

/** The shell form, for package.json's start script. */
export const serverCommand = (entry: string): string =>
  [...Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`), 'node', ...SERVER_NODE_FLAGS, entry].join(' ');

export async function buildServer(entry: string, outfile: string): Promise<void> {
  await build({ ...SERVER_BUILD, entryPoints: [entry], outfile });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = path.resolve(import.meta.dirname, '..');
  await buildServer(path.join(root, 'src/main.ts'), path.join(root, 'dist/main.js'));
}

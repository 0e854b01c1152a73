/**
 * Files the server reads at run time (schema.graphql, migrations/, the browser entries) are found
 * from the project root, not from the reading module's own location: in the production bundle
 * (dist/main.js) every module shares one `import.meta.url`, so `../../schema.graphql` would miss.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory at or above `start` that holds a package.json. */
export function findProjectRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${start}`);
  }
}

/** Found once: src/ under tsx, dist/ in the bundle; both sit directly under the root. */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. `projectPath('schema.graphql')`. */
export const projectPath = (...segments: string[]): string => path.join(PROJECT_ROOT, ...segments);

/**
 * The production build: `npm run build` bundles the server into dist/main.js, and plain node runs it
 * with the flags `npm start` and the Dockerfile use. In the bundle every module shares one
 * import.meta.url, so this is where a file found relative to its module (schema.graphql, the status
 * page's browser entry) would go missing.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ENV, SERVER_NODE_FLAGS, serverCommand } from '../scripts/build.js';
import { findProjectRoot, PROJECT_ROOT } from '../src/project-root.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { newIdentity, startServerProcess, type ServerProcess } from './support/server-process.js';

const run = promisify(execFile);

describe('the production build', () => {
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    await run('npm', ['run', 'build'], { cwd: PROJECT_ROOT });
    db = await createTestDatabase();
    server = await startServerProcess(newIdentity(db.url), SERVER_ENV, [
      ...SERVER_NODE_FLAGS,
      'dist/main.js',
    ]);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.close();
  });

  it('answers GraphQL (the schema file was found)', async () => {
    const result = await server.gql<{ fabrics: { totalCount: number } }>('{ fabrics { totalCount } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.fabrics.totalCount).toBe(0);
  });

  it('serves the status page and bundles its browser script', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
    expect(script).toBe('/status/status-page.js');
    const js = await fetch(`${server.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);
  });
});

describe('how production starts', () => {
  it('npm start builds, then runs the bundle with the server flags and environment', async () => {
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toBe(`npm run build && ${serverCommand('dist/main.js')}`);
  });

  it('the image builds and runs the same', async () => {
    const dockerfile = await readFile(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    const cmd = /^CMD (.+)$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...SERVER_NODE_FLAGS, 'dist/main.js']);
    const env = /^ENV (.+)$/m.exec(dockerfile)?.[1]?.split(' ') ?? [];
    for (const [name, value] of Object.entries(SERVER_ENV)) expect(env).toContain(`${name}=${value}`);
  });
});

describe('findProjectRoot', () => {
  it('walks up to the nearest directory holding package.json', () => {
    expect(findProjectRoot(path.join(PROJECT_ROOT, 'dist'))).toBe(PROJECT_ROOT);
    expect(findProjectRoot(path.join(PROJECT_ROOT, 'src', 'api', 'status-page'))).toBe(PROJECT_ROOT);
  });

  it('says so when there is none', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'no-project-'));
    await mkdir(path.join(dir, 'a'));
    try {
      expect(() => findProjectRoot(path.join(dir, 'a'))).toThrow(/no package.json at or above/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

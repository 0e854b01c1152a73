/**
 * End-to-end rig: the whole server in-process (startApp), a small front server that serves the
 * playground and status page routes and forwards everything else — HTTP and WebSocket upgrades — to
 * it (the pages are not wired into the app's route table yet), and Debian's Chromium via playwright-core.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createPlaygroundHandler, prefersPlayground } from '../../src/api/playground/index.js';
import { createStatusPageRoutes } from '../../src/api/status-page/index.js';
import { loadConfig } from '../../src/config.js';
import { startApp, type App } from '../../src/main.js';
import { postGraphQL } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { git } from '../support/git-cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface E2E {
  readonly app: App;
  readonly db: TestDatabase;
  /** The app's log lines (warnings and errors), to read when a test fails. */
  readonly logs: readonly string[];
  /** The front server: pages here, GraphQL forwarded to the app. */
  readonly url: string;
  readonly adminToken: string;
  /** Runs GraphQL as the admin and returns `data`; errors reject. */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  newPage(): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  /** A local repository with one commit holding `fabric/README.md` and `files`, as a file:// URL. */
  createGitRepository(files?: Readonly<Record<string, string>>): Promise<string>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** `env`: settings on top of the defaults below. */
export async function startE2E(env: Readonly<Record<string, string>> = {}): Promise<E2E> {
  const db: TestDatabase = await createTestDatabase();
  const scratch = await mkdtemp(path.join(tmpdir(), 'fabric-sync-e2e-'));
  const adminToken = `fst_e2e_admin_${'x'.repeat(32)}`;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    FABRIC_SYNC_DATA_DIR: path.join(scratch, 'data'),
    FABRIC_SYNC_ADMIN_TOKEN: adminToken,
    FABRIC_SYNC_GIT_ALLOW_SCHEMES: 'https,ssh,file',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const logs: string[] = [];
  const logDestination = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const app = await startApp(config, { logDestination });
  const front = await startFrontServer(app.url);
  await mkdir(ARTIFACTS, { recursive: true });
  const context: BrowserContext = await chromium.launchPersistentContext(path.join(scratch, 'chromium'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
  });
  let repositories = 0;

  return {
    app,
    db,
    logs,
    url: front.url,
    adminToken,
    async gql(query, variables = {}) {
      const body = await postGraphQL(app.url, query, variables, adminToken);
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data as never;
    },
    newPage: () => context.newPage(),
    screenshot: async (page, name) => {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async createGitRepository(files = {}) {
      const dir = path.join(scratch, `repo-${(repositories += 1)}`);
      await mkdir(path.join(dir, 'fabric'), { recursive: true });
      await writeFile(path.join(dir, 'fabric', 'README.md'), 'desired state of the e2e fabric\n');
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), text);
      }
      await git(dir, ['init', '-q', '-b', 'main']);
      await git(dir, ['add', '.']);
      await git(dir, ['commit', '-q', '-m', 'initial']);
      return `file://${dir}`;
    },
    async close() {
      await context.close();
      await front.close();
      await app.close();
      await db.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Serves the page routes; forwards every other request and WebSocket upgrade to `target`. */
async function startFrontServer(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const playground = createPlaygroundHandler();
  const routes = new Map<string, Handler>(
    [...playground.routes, ...createStatusPageRoutes()].map((r) => [`${r.method} ${r.path}`, r.handler]),
  );
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handler =
      prefersPlayground(req, url) && url.pathname === '/graphql'
        ? playground.handler
        : routes.get(`${req.method} ${url.pathname}`);
    if (handler)
      return void handler(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on('error', (err) => res.writeHead(502).end(err.message));
    req.pipe(forward);
  });
  const tunnels = new Set<{ destroy(): unknown }>();
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const backend = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}\r\n`),
      );
      backend.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('')}\r\n`);
      backend.write(head);
      socket.pipe(backend).pipe(socket);
    });
    const end = () => {
      socket.destroy();
      backend.destroy();
    };
    backend.on('error', end);
    socket.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      tunnels.forEach((socket) => socket.destroy());
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

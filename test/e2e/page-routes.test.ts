import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundHandler, prefersPlayground } from '../../src/api/playground/index.js';
import { createStatusPageRoutes } from '../../src/api/status-page/index.js';

const request = (method: string, path: string, accept?: string) =>
  ({ method, url: path, headers: accept ? { accept } : {} }) as IncomingMessage;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('prefersPlayground', () => {
  const prefers = (method: string, path: string, accept?: string) =>
    prefersPlayground(request(method, path, accept), new URL(path, 'http://localhost'));

  it('sends a browser navigating to /graphql to GraphiQL', () => {
    expect(prefers('GET', '/graphql', BROWSER_ACCEPT)).toBe(true);
  });

  it('leaves API clients, GET queries and POSTs to GraphQL', () => {
    expect(prefers('GET', '/graphql', 'application/json')).toBe(false);
    expect(prefers('GET', '/graphql')).toBe(false);
    expect(prefers('GET', '/graphql?query=%7Bviewer%7Bid%7D%7D', BROWSER_ACCEPT)).toBe(false);
    expect(prefers('POST', '/graphql', BROWSER_ACCEPT)).toBe(false);
  });
});

describe('page and asset routes', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const playground = createPlaygroundHandler();
    const routes = [...playground.routes, ...createStatusPageRoutes()];
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = path === '/graphql' ? playground : routes.find((r) => r.path === path);
      if (!route) return void res.writeHead(404).end();
      route.handler(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves HTML shells that load scripts from this origin only', async () => {
    for (const [path, script] of [
      ['/', '/status/status-page.js'],
      ['/graphql', '/playground/graphiql.js'],
    ] as const) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).toContain(`<script src="${script}" defer></script>`);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('bundles the status page script once and answers 304 to a browser that has it', async () => {
    const first = await fetch(`${base}/status/status-page.js`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = first.headers.get('etag') ?? '';
    expect((await first.text()).length).toBeGreaterThan(1000);
    const again = await fetch(`${base}/status/status-page.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves GraphiQL’s script and its stylesheet from the npm bundle', async () => {
    const css = await fetch(`${base}/playground/graphiql.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.graphiql-container');
    const js = await fetch(`${base}/playground/graphiql.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).not.toMatch(/cdn\.jsdelivr|unpkg\.com/);
  });
});

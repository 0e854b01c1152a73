/**
 * Abuse limits: depth, aliases, cost, body size, CSRF prevention, and in production neither
 * introspection nor field suggestions, over HTTP and WebSocket alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { wsClient } from '../support/subscriptions.js';

let t: TestApp;
let production: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FABRIC_SYNC_MAX_QUERY_DEPTH: '6', FABRIC_SYNC_MAX_QUERY_COST: '2000' } });
  production = await startTestApp({ env: { NODE_ENV: 'production' } });
});
afterAll(async () => {
  await t?.close();
  await production?.close();
});

const code = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('query limits', () => {
  it('refuses a query nested deeper than the limit, as a bad request (400)', async () => {
    const deep = `{ fabrics { nodes { repository { fabrics { repository { fabrics { name } } } } } } }`;
    const result = await t.gql(deep);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.status).toBe(400);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: viewer { tokenName }`).join(' ');
    expect(code(await t.gql(`{ ${aliases} }`))).toBe('QUERY_TOO_COMPLEX');
  });

  it('counts a list without `first` as its largest page, and honours a small `first`', async () => {
    expect(code(await t.gql(`{ fabrics { nodes { records { nodes { name } } } } }`))).toBe(
      'QUERY_TOO_COMPLEX',
    );
    const small = await t.gql(`{ fabrics(first: 5) { nodes { records(first: 5) { nodes { name } } } } }`);
    expect(small.errors).toBeUndefined();
  });

  it('uses the variables a client sends to price `first: $n`', async () => {
    const query = `query($n: Int!) { fabrics(first: $n) { nodes { records(first: $n) { nodes { name } } } } }`;
    expect((await t.gql(query, { n: 5 })).errors).toBeUndefined();
    expect(code(await t.gql(query, { n: 400 }))).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('HTTP limits', () => {
  it('answers 413 for an oversize body', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
      body: JSON.stringify({
        query: `{ viewer { tokenName } }`,
        variables: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
    });
    expect(response.status).toBe(413);
  });

  it('refuses a simple cross-site request (CSRF prevention)', async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ viewer { tokenName } }')}`, {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
  });
});

describe('in production, on every transport', () => {
  const INTROSPECTION = `{ __schema { queryType { name } } }`;
  const MISSPELT = `{ fabrics { nodes { nme } } }`;
  /** The errors of one query asked over graphql-ws: refused ones arrive as an error message. */
  async function overWebSocket(app: TestApp, query: string) {
    const client = wsClient(app.url, app.adminToken);
    try {
      return await new Promise<readonly { message: string }[]>((resolve) =>
        client.subscribe(
          { query },
          {
            next: (result) => resolve(result.errors ?? []),
            error: (err) => resolve(Array.isArray(err) ? err : [{ message: String(err) }]),
            complete: () => resolve([]),
          },
        ),
      );
    } finally {
      await client.dispose();
    }
  }
  const messages = async (app: TestApp, query: string) => ({
    http: ((await app.gql(query, {}, app.adminToken)).errors ?? []).map((e) => e.message),
    webSocket: (await overWebSocket(app, query)).map((e) => e.message),
  });

  it('turns introspection off', async () => {
    expect(await messages(t, INTROSPECTION)).toEqual({ http: [], webSocket: [] });
    for (const refused of Object.values(await messages(production, INTROSPECTION))) {
      expect(refused.length).toBeGreaterThan(0);
      for (const message of refused) expect(message).toMatch(/introspection/i);
    }
  });

  it('names no field a misspelt one could have meant', async () => {
    const suggested = 'Cannot query field "nme" on type "Fabric". Did you mean "name"?';
    expect(await messages(t, MISSPELT)).toEqual({ http: [suggested], webSocket: [suggested] });
    const plain = 'Cannot query field "nme" on type "Fabric".';
    expect(await messages(production, MISSPELT)).toEqual({ http: [plain], webSocket: [plain] });
  });
});

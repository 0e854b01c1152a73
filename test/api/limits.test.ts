/** Abuse limits: depth, aliases, cost, body size, CSRF prevention and introspection in production. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

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
  it('refuses a query nested deeper than the limit', async () => {
    const deep = `{ fabrics { nodes { repository { fabrics { repository { fabrics { name } } } } } } }`;
    expect(code(await t.gql(deep))).toBe('QUERY_TOO_COMPLEX');
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

  it('turns introspection off in production', async () => {
    expect((await t.gql(`{ __schema { queryType { name } } }`)).errors).toBeUndefined();
    const result = await production.gql(`{ __schema { queryType { name } } }`, {}, production.adminToken);
    expect(result.errors?.[0]?.message).toMatch(/introspection/i);
  });
});

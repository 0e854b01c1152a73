/**
 * GraphQL over HTTP as graphql-http's audit suite judges it, against the running app: no requirement
 * fails, and the recommendations it does not follow are the ones the README lists. The errors the
 * server writes itself, before Apollo (401, bad JSON, 413), answer in the media type the client
 * accepts, as Apollo's own do.
 */
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('graphql-http audits', () => {
  it('pass every requirement; the recommendations not followed are those the README lists', async () => {
    const withToken = (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${t.adminToken}`);
      return fetch(input, { ...init, headers });
    };
    const results = await Promise.all(
      serverAudits({ url: `${t.url}/graphql`, fetchFn: withToken }).map((audit) => audit.fn()),
    );
    const by = (status: string) =>
      results
        .filter((r) => r.status === status)
        .map((r) => `${r.id} ${r.name}${'reason' in r ? `: ${r.reason}` : ''}`);
    expect(by('error')).toEqual([]);
    expect(by('warn').map((line) => line.split(' ')[0])).toEqual(WARNINGS);
    expect(by('notice').map((line) => line.split(' ')[0])).toEqual(NOTICES);
    expect(by('ok')).toHaveLength(results.length - WARNINGS.length - NOTICES.length);
  });
});

/**
 * The audit ids the README explains (API, "GraphQL over HTTP"). Warnings: Apollo answers 400, not
 * 200, to a document that does not parse or validate or whose variables do not coerce, also for
 * application/json. Notices: Apollo's CSRF prevention refuses a GET without a header a cross-site
 * page could not send unasked (`content-type: application/json`, `apollo-require-preflight`).
 */
const WARNINGS = ['572B', 'FDE2', '7B9B'];
const NOTICES = ['5A70', 'D6D5', '6A70'];

describe('errors the server writes itself', () => {
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const auth = () => ({ authorization: `Bearer ${t.adminToken}` });
  const cases: [string, (accept: Record<string, string>) => Promise<Response>, number][] = [
    ['no token', (accept) => post('{"query":"{ viewer { tokenName } }"}', accept), 401],
    ['a body that is not JSON', (accept) => post('{"query":', { ...auth(), ...accept }), 400],
    [
      'a body over the limit',
      (accept) => post(`{"query":"${' '.repeat(1100 * 1024)}"}`, { ...auth(), ...accept }),
      413,
    ],
    [
      'a query over the limits',
      (accept) => post(`{"query":"{ ${'a: __typename '.repeat(60)} }"}`, { ...auth(), ...accept }),
      400,
    ],
  ];

  it.each(cases)('%s: in the media type the client accepts', async (_what, send, status) => {
    for (const [accept, expected] of [
      [GRAPHQL_RESPONSE, GRAPHQL_RESPONSE],
      [`${GRAPHQL_RESPONSE}, application/json;q=0.9`, GRAPHQL_RESPONSE],
      ['application/json', 'application/json'],
      [undefined, 'application/json'],
    ] as const) {
      const response = await send(accept ? { accept } : {});
      expect(response.status).toBe(status);
      expect([accept, response.headers.get('content-type')]).toEqual([accept, `${expected}; charset=utf-8`]);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toEqual(expect.any(String));
    }
  });
});

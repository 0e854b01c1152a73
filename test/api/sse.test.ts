/**
 * Subscriptions over server-sent events at /graphql/stream, through the running app and graphql-sse's
 * own client: events arrive and resume with `after`, a bad token is refused, a revoked one ends the
 * stream, and the limits and the per-token cap are those of graphql-ws (one cap for both).
 */
import { createClient, type Client } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import type { RecordEvent } from '../../src/events/index.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { wsClient } from '../support/subscriptions.js';

const RECORD_EVENTS = `subscription($f: ID!, $after: String) { recordEvents(fabricId: $f, after: $after) { eventId name } }`;
type Event = { recordEvents: { eventId: string; name: string } };

let t: TestApp;
let fabricId: string;
let fabricUuid: string;
beforeAll(async () => {
  t = await startTestApp();
  fabricId = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name: 'streamed' } },
    ),
  ).createFabric.id;
  fabricUuid = fromGlobalId(fabricId, 'Fabric', 'fabricId');
});
afterAll(async () => {
  await t?.close();
});

const sseClient = (token: string | null): Client =>
  createClient({
    url: `${t.url}/graphql/stream`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });

type Errors = { message: string; extensions?: { code?: string } }[];

/** Every result until the stream completes (or `until` holds for one), or what ended it. */
function follow<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until = (_e: T) => false,
) {
  const results: { data?: T; errors?: Errors }[] = [];
  const done = new Promise<{ results: typeof results; failure?: unknown }>((resolve) => {
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          results.push(result as { data?: T; errors?: Errors });
          if (result.data && until(result.data)) {
            dispose();
            resolve({ results });
          }
        },
        error: (failure) => resolve({ results, failure }),
        complete: () => resolve({ results }),
      },
    );
  });
  return { results, done };
}

const recordEvent = (name: string): RecordEvent => ({
  fabricId: fabricUuid,
  kind: 'VPC',
  namespace: 'default',
  name,
  type: 'MODIFIED',
  at: new Date().toISOString(),
});

async function createToken(name: string) {
  const { createApiToken } = dataOf(
    await t.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
      { i: { name, grants: [{ role: 'VIEWER', fabricId }] } },
    ),
  );
  return { token: createApiToken.token, id: createApiToken.apiToken.id };
}

const opened = async (count: number) =>
  vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(count));

describe('subscriptions over server-sent events', () => {
  it('receive every event, and resume after one without a gap', async () => {
    const client = sseClient(t.adminToken);
    const open = t.app.services.events.subscriptionCount();
    const live = follow<Event>(
      client,
      RECORD_EVENTS,
      { f: fabricId },
      (e) => e.recordEvents.name === 'third',
    );
    await opened(open + 1);
    for (const name of ['first', 'second', 'third'])
      await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent(name));
    const { results } = await live.done;
    expect(results.map((r) => r.data?.recordEvents.name)).toEqual(['first', 'second', 'third']);

    const resumed = follow<Event>(
      client,
      RECORD_EVENTS,
      { f: fabricId, after: results[0]!.data!.recordEvents.eventId },
      (e) => e.recordEvents.name === 'third',
    );
    expect((await resumed.done).results.map((r) => r.data?.recordEvents.name)).toEqual(['second', 'third']);
    await opened(open);
    client.dispose();
  });

  it.each([
    ['a bad token', 'fst_not_a_real_token_000000000000000000'],
    ['no token', null],
  ])('refuse %s with 401', async (_what, token) => {
    const { failure } = await follow(sseClient(token), RECORD_EVENTS, { f: fabricId }).done;
    expect((failure as { response?: Response }).response?.status).toBe(401);
  });

  it('end with UNAUTHENTICATED at the next event once the token is revoked', async () => {
    const { token, id } = await createToken('revoked-while-streaming');
    const open = t.app.services.events.subscriptionCount();
    const stream = follow<Event>(sseClient(token), RECORD_EVENTS, { f: fabricId });
    await opened(open + 1);
    await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent('before'));
    await vi.waitFor(() => expect(stream.results).toHaveLength(1));
    dataOf(await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id }));
    await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent('after'));
    const { results, failure } = await stream.done;
    expect(failure).toBeUndefined();
    expect(results.map((r) => r.data?.recordEvents.name ?? r.errors?.[0]?.extensions?.code)).toEqual([
      'before',
      'UNAUTHENTICATED',
    ]);
    await opened(open);
  });

  it('answer refused operations as graphql-ws does: limits, documents, ids', async () => {
    const client = sseClient(t.adminToken);
    const codeOf = async (query: string, variables: Record<string, unknown> = {}) =>
      (await follow(client, query, variables).done).results
        .flatMap((r) => r.errors ?? [])
        .map((e) => e.extensions?.code);
    const deep = `subscription { fabricStatus(fabricId: "${fabricId}") { ${'repository { fabrics { '.repeat(7)} name ${'} } '.repeat(7)} } }`;
    expect(await codeOf(deep)).toContain('QUERY_TOO_COMPLEX');
    expect(await codeOf(`subscription { fabricStatus(`)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(await codeOf(`subscription { nope }`)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await codeOf(RECORD_EVENTS, { f: 'garbage' })).toEqual(['BAD_USER_INPUT']);
    const unknown = Buffer.from('Fabric:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(await codeOf(RECORD_EVENTS, { f: unknown })).toEqual(['NOT_FOUND']);
    client.dispose();
  });

  it('count against the same per-token cap as graphql-ws', async () => {
    const { token } = await createToken('capped-across-transports');
    const ws = wsClient(t.url, token);
    const open = t.app.services.events.subscriptionCount();
    const CAP = 100; // the default
    const disposers = Array.from({ length: CAP }, () =>
      ws.subscribe(
        { query: RECORD_EVENTS, variables: { f: fabricId } },
        { next() {}, error() {}, complete() {} },
      ),
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + CAP), {
      timeout: 20_000,
    });
    const sse = sseClient(token);
    const over = await follow(sse, RECORD_EVENTS, { f: fabricId }).done;
    expect(over.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual([
      'TOO_MANY_SUBSCRIPTIONS',
    ]);

    disposers.pop()!();
    await opened(open + CAP - 1);
    const freed = follow<Event>(
      sse,
      RECORD_EVENTS,
      { f: fabricId },
      (e) => e.recordEvents.name === 'in-the-freed-slot',
    );
    await opened(open + CAP);
    await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent('in-the-freed-slot'));
    expect((await freed.done).results).toHaveLength(1);
    disposers.forEach((dispose) => dispose());
    await ws.dispose();
    sse.dispose();
  });
});

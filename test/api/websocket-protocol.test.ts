/**
 * graphql-ws semantics as a client nobody here wrote sees them (graphql-ws's own client over the
 * running app): refused credentials close 4403, every error message carries `extensions.code` as over
 * HTTP, a bad document fails its own operation and not the socket, an id the caller cannot read is
 * NOT_FOUND and a malformed one BAD_USER_INPUT on every subscription, and an internal failure is
 * logged through pino (redacted), never printed past it.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/api/ids.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { wsClient } from '../support/subscriptions.js';

let t: TestApp;
let fabricId: string;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = wsClient(t.url, t.adminToken);
  fabricId = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name: 'protocol' } },
    ),
  ).createFabric.id;
});
afterAll(async () => {
  await admin?.dispose();
  await t?.close();
});
afterEach(() => vi.restoreAllMocks());

type Errors = readonly { message: string; extensions?: { code?: string } }[];
interface Answer {
  readonly data?: unknown;
  readonly errors?: Errors;
  readonly closed?: { code: number; reason: string };
}

/**
 * The first thing an operation gets: a result, an error message or the socket's close. A subscription
 * that goes on is ended with its client (disposing of it from `next` races the server's `complete` in
 * graphql-ws's client, which can then close a socket still in use).
 */
function ask(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (result) => resolve(result as Answer),
        error: (err) => {
          const { code, reason } = err as { code?: number; reason?: string };
          resolve(
            code === undefined ? { errors: err as Errors } : { closed: { code, reason: reason ?? '' } },
          );
        },
        complete: () => resolve({}),
      },
    );
  });
}

/**
 * A client whose socket stays open between operations (a subscription holds it: graphql-ws's client
 * closes an idle socket), counting the sockets it opened.
 */
function persistentClient(): { client: Client; connections: () => number } {
  let connected = 0;
  const client = wsClient(t.url, t.adminToken);
  client.on('connected', () => connected++);
  client.subscribe(
    { query: `subscription($f: ID!) { fabricStatus(fabricId: $f) { name } }`, variables: { f: fabricId } },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
  return { client, connections: () => connected };
}

const codeOf = (answer: Answer) => answer.errors?.map((e) => e.extensions?.code);
const VIEWER = `{ viewer { tokenName } }`;

describe('connection_init', () => {
  it.each([
    ['a bad token', 'fst_not_a_real_token_000000000000000000'],
    ['no token', null],
  ])('refuses %s with 4403 Forbidden (4401 is for subscribing before the ack)', async (_what, token) => {
    const client = wsClient(t.url, token);
    expect((await ask(client, VIEWER)).closed?.code).toBe(4403);
    await client.dispose();
  });
});

describe('errors over the socket', () => {
  it('carry extensions.code like Apollo over HTTP: validation, parse, limits, variables', async () => {
    expect(codeOf(await ask(admin, `{ nope }`))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codeOf(await ask(admin, `subscription { fabricStatus(`))).toEqual(['GRAPHQL_PARSE_FAILED']);
    const deep = `{ fabrics { nodes { ${'repository { fabrics { '.repeat(7)} name ${'} } '.repeat(7)} } } }`;
    expect(codeOf(await ask(admin, deep))).toContain('QUERY_TOO_COMPLEX');
    const variables = await ask(admin, `subscription($f: ID!) { fabricStatus(fabricId: $f) { name } }`);
    expect(codeOf(variables)).toEqual(['BAD_USER_INPUT']);
    const http = await t.gql(`{ nope }`);
    expect(http.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a syntax error fails that operation only: the socket lives on', async () => {
    const { client, connections } = persistentClient();
    const broken = await ask(client, `{ viewer { `);
    expect(codeOf(broken)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(broken.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect(await ask(client, VIEWER)).toEqual({ data: { viewer: { tokenName: expect.any(String) } } });
    expect(connections()).toBe(1);
    await client.dispose();
  });

  it('an internal failure is an INTERNAL_SERVER_ERROR for that operation, logged through pino, redacted', async () => {
    const printed = vi.spyOn(console, 'error');
    const secret = 'fst_leaked_in_a_message_000000000000000000';
    const { client, connections } = persistentClient();
    await ask(client, VIEWER); // connected: the next operation authenticates again, and fails
    vi.spyOn(t.app.services.tokens, 'authenticate').mockImplementationOnce(async () => {
      throw new Error(`pool broke on ${secret}`);
    });
    const failed = await ask(client, VIEWER);
    expect(failed.errors).toEqual([
      { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(await ask(client, VIEWER)).toMatchObject({ data: { viewer: {} } });
    expect(connections()).toBe(1);
    expect(printed).not.toHaveBeenCalled();
    const logged = t.logs.filter((line) => line.includes('pool broke on'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain(secret);
    await client.dispose();
  });
});

describe('ids a subscription names', () => {
  const UNKNOWN_FABRIC = toGlobalId('Fabric', '00000000-0000-4000-8000-000000000000');
  const UNKNOWN_OPERATION = toGlobalId('Operation', '00000000-0000-4000-8000-000000000000');
  const BY_FABRIC = {
    fabricStatus: `subscription($id: ID!) { fabricStatus(fabricId: $id) { name } }`,
    recordEvents: `subscription($id: ID!) { recordEvents(fabricId: $id) { name } }`,
    driftReports: `subscription($id: ID!) { driftReports(fabricId: $id) { id } }`,
  };
  const OPERATION_PROGRESS = `subscription($id: ID!) { operationProgress(operationId: $id) { status } }`;

  it.each(Object.entries(BY_FABRIC))(
    '%s: an unknown fabric is NOT_FOUND, a malformed id BAD_USER_INPUT',
    async (_n, query) => {
      expect(codeOf(await ask(admin, query, { id: UNKNOWN_FABRIC }))).toEqual(['NOT_FOUND']);
      expect(codeOf(await ask(admin, query, { id: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
    },
  );

  it('operationProgress: an unknown operation is NOT_FOUND, a malformed id BAD_USER_INPUT', async () => {
    expect(codeOf(await ask(admin, OPERATION_PROGRESS, { id: UNKNOWN_OPERATION }))).toEqual(['NOT_FOUND']);
    expect(codeOf(await ask(admin, OPERATION_PROGRESS, { id: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a fabric the token may not read is NOT_FOUND, as an unknown one (nothing says it exists)', async () => {
    const other = dataOf(
      await t.gql<{ createFabric: { id: string } }>(
        `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
        { i: { name: 'protocol-other' } },
      ),
    ).createFabric.id;
    const { createApiToken } = dataOf(
      await t.gql<{ createApiToken: { token: string } }>(
        `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
        { i: { name: 'protocol-scoped', grants: [{ role: 'VIEWER', fabricId }] } },
      ),
    );
    const scoped = wsClient(t.url, createApiToken.token);
    for (const query of Object.values(BY_FABRIC)) {
      const refused = await ask(scoped, query, { id: other });
      expect(refused.errors?.map((e) => [e.message, e.extensions])).toEqual([
        [`fabric ${other} not found`, { code: 'NOT_FOUND' }],
      ]);
    }
    // Its own fabric it still follows.
    const open = t.app.services.events.subscriptionCount();
    const own = ask(scoped, BY_FABRIC.fabricStatus, { id: fabricId });
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + 1));
    const uuid = fromGlobalId(fabricId, 'Fabric', 'fabricId');
    await t.app.services.events.publish('fabricStatus', uuid, {
      fabricId: uuid,
      at: new Date().toISOString(),
    });
    expect(await own).toEqual({ data: { fabricStatus: { name: 'protocol' } } });
    await scoped.dispose();
  });
});

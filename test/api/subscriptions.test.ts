/**
 * Subscription abuse limits through the running app and real graphql-ws clients: the per-token cap
 * counts a token's subscriptions across its connections and frees a slot when one completes, and a
 * consumer that stops reading is dropped with close code 1013 while the other subscribers of the same
 * fabric keep receiving every event.
 */
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import type { RecordEvent } from '../../src/events/index.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { collect, wsClient } from '../support/subscriptions.js';

const CAP = 100; // the server's default per-token cap
const RECORD_EVENTS = `subscription($f: ID!, $after: String) {
  recordEvents(fabricId: $f, after: $after) { eventId name }
}`;

const RECORD_EVENTS_PADDED = `subscription($f: ID!) { recordEvents(fabricId: $f) { name namespace } }`;

let t: TestApp;
let fabricId: string;
let fabricUuid: string;

async function createToken(name: string, grants: { role: string; fabricId?: string }[]): Promise<string> {
  const { createApiToken } = dataOf(
    await t.gql<{ createApiToken: { token: string } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
      { i: { name, grants } },
    ),
  );
  return createApiToken.token;
}

const recordEvent = (name: string, namespace = 'default'): RecordEvent => ({
  fabricId: fabricUuid,
  kind: 'VPC',
  namespace,
  name,
  type: 'MODIFIED',
  at: new Date().toISOString(),
});

beforeAll(async () => {
  t = await startTestApp();
  const { createFabric } = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name: 'limits' } },
    ),
  );
  fabricId = createFabric.id;
  fabricUuid = fromGlobalId(fabricId, 'Fabric', 'fabricId');
});
afterAll(async () => {
  await t?.close();
});

describe('subscriptions per token', () => {
  it('refuses the subscription over the cap across connections, and accepts one again after another completes', async () => {
    const token = await createToken('capped', [{ role: 'VIEWER' }]);
    const clients: Client[] = [wsClient(t.url, token), wsClient(t.url, token)];
    const disposers: (() => void)[] = [];
    const open = t.app.services.events.subscriptionCount();
    for (let i = 0; i < CAP; i++)
      disposers.push(
        clients[i % 2]!.subscribe(
          { query: RECORD_EVENTS, variables: { f: fabricId } },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        ),
      );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + CAP), {
      timeout: 20_000,
    });
    const third = wsClient(t.url, token);
    const over = collect(third, RECORD_EVENTS, { f: fabricId }, () => true, 10_000);
    await expect(over.done).rejects.toThrow(/TOO_MANY_SUBSCRIPTIONS/);

    // Another token is not affected by this one's cap.
    const other = wsClient(t.url, await createToken('uncapped', [{ role: 'VIEWER' }]));
    const fine = collect<{ recordEvents: { name: string } }>(
      other,
      RECORD_EVENTS,
      { f: fabricId },
      (e) => e.recordEvents.name === 'for-the-other-token',
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + CAP + 1));
    await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent('for-the-other-token'));
    await fine.done;

    disposers.pop()!(); // completes one: its slot is free again
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + CAP - 1));
    const again = collect<{ recordEvents: { name: string } }>(
      third,
      RECORD_EVENTS,
      { f: fabricId },
      (e) => e.recordEvents.name === 'in-the-freed-slot',
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + CAP));
    await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent('in-the-freed-slot'));
    expect((await again.done).map((e) => e.recordEvents.name)).toContain('in-the-freed-slot');

    disposers.forEach((dispose) => dispose());
    for (const client of [...clients, third, other]) await client.dispose();
  });
});

/** A graphql-transport-ws client that subscribes and then stops reading its socket. */
async function stalledSubscriber(
  token: string,
): Promise<{ socket: WebSocket; closed: Promise<[number, string]> }> {
  const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<[number, string]>((resolve) =>
    socket.on('close', (code, reason) => resolve([code, reason.toString()])),
  );
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await new Promise<void>((resolve) =>
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve();
    }),
  );
  socket.send(
    JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: { query: RECORD_EVENTS_PADDED, variables: { f: fabricId } },
    }),
  );
  return { socket, closed };
}

describe('a slow consumer', () => {
  it('is closed with 1013 and a reason to resubscribe, while a reading subscriber gets every event', async () => {
    const token = await createToken('slow', [{ role: 'VIEWER', fabricId }]);
    const open = t.app.services.events.subscriptionCount();
    const stalled = await stalledSubscriber(token);
    // The reader checks the order as events arrive rather than keeping them: they are large.
    const reader = wsClient(t.url, token);
    let received = 0;
    const outOfOrder: string[] = [];
    reader.subscribe<{ recordEvents: { name: string; namespace: string } }>(
      { query: RECORD_EVENTS_PADDED, variables: { f: fabricId } },
      {
        next: ({ data }) => {
          if (data?.recordEvents.name !== `event-${received++}`)
            outOfOrder.push(String(data?.recordEvents.name));
        },
        error: (err) => outOfOrder.push(`error: ${JSON.stringify(err)}`),
        complete: () => undefined,
      },
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + 2));
    stalled.socket.pause(); // from here on the kernel's socket buffers fill, then the bus's buffer

    // Enough to fill tens of MB of loopback socket buffers and the 1,000 events the bus holds.
    const total = 4000;
    const padding = 'x'.repeat(24_000);
    for (let i = 0; i < total; i++) {
      await t.app.services.events.publish('recordEvents', fabricUuid, recordEvent(`event-${i}`, padding));
      // Fed no faster than it reads, like a healthy client.
      if (i % 200 === 199) await vi.waitFor(() => expect(received).toBeGreaterThan(i - 400));
    }
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + 1));
    stalled.socket.resume();
    const [code, reason] = await stalled.closed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/slow consumer: resubscribe with after/);

    await vi.waitFor(() => expect(received).toBe(total));
    expect(outOfOrder).toEqual([]);
    await reader.dispose();
  }, 120_000);
});

describe('subscriptions and the token behind them', () => {
  const FABRIC_STATUS = `subscription($f: ID!) { fabricStatus(fabricId: $f) { name repository { fabrics { name } } } }`;
  type StatusEvent = { fabricStatus: { name: string; repository: { fabrics: { name: string }[] } | null } };
  const publishStatus = () =>
    t.app.services.events.publish('fabricStatus', fabricUuid, {
      fabricId: fabricUuid,
      message: 'test',
      at: new Date().toISOString(),
    });

  it('stops at the next event once the token is revoked, closing the connection with 4403', async () => {
    const { createApiToken } = dataOf(
      await t.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
        `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
        { i: { name: 'revoked-while-listening', grants: [{ role: 'VIEWER', fabricId }] } },
      ),
    );
    const client = wsClient(t.url, createApiToken.token);
    const open = t.app.services.events.subscriptionCount();
    let events = 0;
    const listening = collect<StatusEvent>(client, FABRIC_STATUS, { f: fabricId }, () => ++events > 5);
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + 1));
    await publishStatus();
    await vi.waitFor(() => expect(listening.events).toHaveLength(1));
    dataOf(await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id: createApiToken.apiToken.id }));
    await publishStatus();
    await expect(listening.done).rejects.toMatchObject({ code: 4403 });
    expect(listening.events).toHaveLength(1);
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open));
    await client.dispose();
  });

  it('give subscribers with different grants their own results, even for one event', async () => {
    const { createRepository } = dataOf(
      await t.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        { i: { name: 'shared-repo', url: 'https://git.example.com/shared.git' } },
      ),
    );
    const fabricIn = async (name: string) =>
      dataOf(
        await t.gql<{ createFabric: { id: string } }>(
          `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
          { i: { name, repositoryId: createRepository.id, directory: `fabrics/${name}` } },
        ),
      ).createFabric.id;
    const seen = await fabricIn('shared-a');
    await fabricIn('shared-b'); // on the same repository, readable by the wide token only
    const scopeOf = (id: string) => fromGlobalId(id, 'Fabric', 'fabricId');
    const narrow = wsClient(t.url, await createToken('only-a', [{ role: 'VIEWER', fabricId: seen }]));
    const wide = wsClient(t.url, await createToken('everything', [{ role: 'VIEWER' }]));
    const open = t.app.services.events.subscriptionCount();
    const [fromNarrow, fromWide] = [narrow, wide].map((client) =>
      collect<StatusEvent>(client, FABRIC_STATUS, { f: seen }, () => true),
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBe(open + 2));
    await t.app.services.events.publish('fabricStatus', scopeOf(seen), {
      fabricId: scopeOf(seen),
      message: 'test',
      at: new Date().toISOString(),
    });
    const names = async (events: Promise<StatusEvent[]>) =>
      (await events)[0]?.fabricStatus.repository?.fabrics.map((f) => f.name);
    expect(await names(fromNarrow!.done)).toEqual(['shared-a']);
    expect(await names(fromWide!.done)).toEqual(['shared-a', 'shared-b']);
    await Promise.all([narrow.dispose(), wide.dispose()]);
  });
});

describe('subscription errors', () => {
  it('carry the same codes as over HTTP (one formatError for both transports)', async () => {
    const client = wsClient(t.url, t.adminToken);
    const refused = (variables: Record<string, unknown>) =>
      collect(
        client,
        `subscription($f: ID!) { fabricStatus(fabricId: $f) { name } }`,
        variables,
        () => true,
      ).done.then(
        () => [],
        (err: Error) => JSON.parse(err.message) as { extensions?: { code?: string } }[],
      );
    expect((await refused({ f: 'not-an-id' }))[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const http = await t.gql(`query($f: ID!) { records(fabricId: $f) { totalCount } }`, { f: 'not-an-id' });
    expect(http.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await client.dispose();
  });
});

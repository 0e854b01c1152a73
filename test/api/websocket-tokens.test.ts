/**
 * An open WebSocket is no way around its token, through the running app and real graphql-ws clients:
 * a revoked or expired token stops every operation on sockets already open (close 4403), and one
 * token holds at most FABRIC_SYNC_MAX_SOCKETS_PER_TOKEN sockets per replica (50; more close 4429).
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { wsClient } from '../support/subscriptions.js';

const SOCKETS_PER_TOKEN = 50; // the default

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function createToken(name: string, expiresAt?: Date) {
  const { createApiToken } = dataOf(
    await t.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
      {
        i: {
          name,
          grants: [{ role: 'ADMIN' }],
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
        },
      },
    ),
  );
  return { token: createApiToken.token, id: createApiToken.apiToken.id };
}

interface Answer {
  readonly data?: unknown;
  readonly errors?: readonly { message: string }[];
  /** Set when the server closed the socket instead of answering. */
  readonly closed?: { code: number; reason: string };
}

/** One operation over the client's socket: its first result, its errors, or the socket's close. */
function ask(client: Client, query: string): Promise<Answer> {
  return new Promise((resolve) => {
    const dispose = client.subscribe(
      { query },
      {
        next: (result) => {
          dispose();
          resolve(result);
        },
        error: (err) => {
          const { code, reason } = err as { code?: number; reason?: string };
          resolve(
            code === undefined
              ? { errors: err as Answer['errors'] }
              : { closed: { code, reason: reason ?? '' } },
          );
        },
        complete: () => resolve({}),
      },
    );
  });
}

const VIEWER = `{ viewer { tokenName } }`;
const MUTATION = `mutation { createFabric(input: { name: "made-after-revoke" }) { id } }`;
const SUBSCRIPTION = `subscription { fabricStatus(fabricId: "RmFicmljOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA") { name } }`;

describe('a token that stops authenticating', () => {
  it('once revoked, ends queries, mutations and new subscriptions on sockets already open (4403)', async () => {
    const { token, id } = await createToken('revoked-on-open-sockets');
    const [forQuery, forMutation, forSubscription] = [1, 2, 3].map(() => wsClient(t.url, token));
    for (const client of [forQuery!, forMutation!, forSubscription!])
      expect(await ask(client, VIEWER)).toEqual({
        data: { viewer: { tokenName: 'revoked-on-open-sockets' } },
      });
    dataOf(await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id }));

    const refused = { closed: { code: 4403, reason: 'the token was revoked or has expired' } };
    expect(await ask(forQuery!, VIEWER)).toEqual(refused);
    expect(await ask(forMutation!, MUTATION)).toEqual(refused);
    expect(await ask(forSubscription!, SUBSCRIPTION)).toEqual(refused);
    const fabrics = dataOf(
      await t.gql<{ fabrics: { nodes: { name: string }[] } }>(`{ fabrics { nodes { name } } }`),
    );
    expect(fabrics.fabrics.nodes.map((f) => f.name)).not.toContain('made-after-revoke');
    for (const client of [forQuery!, forMutation!, forSubscription!]) await client.dispose();
  });

  it('once expired, ends the next operation on a socket already open (4403)', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const { token } = await createToken('expiring-on-an-open-socket', expiresAt);
    const client = wsClient(t.url, token);
    expect((await ask(client, VIEWER)).data).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    expect((await ask(client, VIEWER)).closed?.code).toBe(4403);
    await client.dispose();
  });
});

describe('sockets per token', () => {
  it(`accepts ${SOCKETS_PER_TOKEN} sockets of one token, closes the next with 4429, and frees a slot when one closes`, async () => {
    const { token } = await createToken('many-sockets');
    const clients = Array.from({ length: SOCKETS_PER_TOKEN }, () => wsClient(t.url, token));
    for (const client of clients) expect((await ask(client, VIEWER)).data).toBeDefined();

    const over = wsClient(t.url, token);
    expect(await ask(over, VIEWER)).toEqual({
      closed: { code: 4429, reason: `too many connections: at most ${SOCKETS_PER_TOKEN} per token` },
    });
    await over.dispose();
    const otherToken = wsClient(t.url, (await createToken('other-sockets')).token);
    expect((await ask(otherToken, VIEWER)).data).toBeDefined();

    await clients.pop()!.dispose();
    // The server counts the socket out when its close arrives, a moment after the client's dispose.
    const again = async () => {
      const client = wsClient(t.url, token);
      clients.push(client);
      return (await ask(client, VIEWER)).data;
    };
    await expect.poll(again).toBeDefined();
    for (const client of [...clients, otherToken]) await client.dispose();
  });
});

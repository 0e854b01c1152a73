/**
 * A signed delivery replayed (by an attacker who saw it, or a host that retries) starts nothing the
 * second time, on any replica: delivery ids are remembered in PostgreSQL for 24 hours, and only
 * for deliveries whose signature held.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitRepository } from '../../src/store/entities/index.js';
import { startHarness, type Harness } from '../scheduler/harness.js';
import { PROVIDERS, push, SECRET, serveWebhooks, type PushRequest, type WebhookServer } from './support.js';

let h: Harness;
let replica: WebhookServer;
let otherReplica: WebhookServer;
let repo: GitRepository;
let deliveries = 0;

beforeAll(async () => {
  h = await startHarness();
  const options = { orm: h.orm, vault: h.vault, log: h.log };
  replica = await serveWebhooks({ ...options, operations: h.operations });
  otherReplica = await serveWebhooks({ ...options, operations: h.createOperations() });
  repo = await h.createRepository({ webhookSecret: SECRET });
});

afterAll(async () => {
  await replica?.close();
  await otherReplica?.close();
  await h?.close();
});

const newDeliveryId = () => `3f2c1a7e-0000-4000-8000-${String((deliveries += 1)).padStart(12, '0')}`;

/** Posts each request in turn, each after the operations of the one before have finished. */
async function deliver(...requests: [WebhookServer, PushRequest][]) {
  const fabric = await h.createFabric({ repository: repo });
  const responses: { status: number; body: unknown }[] = [];
  for (const [server, request] of requests) {
    const response = await server.post(repo.id, request);
    responses.push({ status: response.status, body: await response.json() });
    await h.settled();
  }
  return { fabric, responses, operations: await h.operationsOf(fabric.id) };
}

describe('a replayed webhook delivery', () => {
  it.each(PROVIDERS)('from %s is answered as a duplicate and starts no operation', async (provider) => {
    const delivery = newDeliveryId();
    const signed = push(provider, { delivery });
    const { responses, operations } = await deliver([replica, signed], [replica, signed]);
    expect(responses.map((r) => r.status)).toEqual([202, 200]);
    expect(responses[1]?.body).toEqual({ duplicate: `delivery ${delivery} was handled already` });
    expect(operations).toHaveLength(1);
  });

  it('is a duplicate on another replica too', async () => {
    const signed = push('github', { delivery: newDeliveryId() });
    const { responses, operations } = await deliver([replica, signed], [otherReplica, signed]);
    expect(responses.map((r) => r.status)).toEqual([202, 200]);
    expect(operations).toHaveLength(1);
  });

  it('cannot be pre-empted: a forged request does not use up the delivery id', async () => {
    const delivery = newDeliveryId();
    const forged = push('github', { delivery, secret: 'not-the-secret-0123456789' });
    const { responses, operations } = await deliver(
      [replica, forged],
      [replica, push('github', { delivery })],
    );
    expect(responses.map((r) => r.status)).toEqual([401, 202]);
    expect(operations).toHaveLength(1);
  });

  it('is handled again once its id is older than 24 hours, and the expired row is gone', async () => {
    const delivery = newDeliveryId();
    const signed = push('gitea', { delivery });
    const first = await deliver([replica, signed]);
    expect(first.operations).toHaveLength(1);
    const connection = h.orm.em.getConnection();
    await connection.execute(
      `update webhook_delivery set received_at = now() - interval '25 hours' where delivery_id = ?`,
      [delivery],
    );
    const again = await replica.post(repo.id, signed);
    await h.settled();
    expect(again.status).toBe(202);
    expect(await h.operationsOf(first.fabric.id)).toHaveLength(2);
    const rows = await connection.execute(
      `select count(*)::int as n from webhook_delivery where received_at < now() - interval '24 hours'`,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('with a delivery id that is no short printable token is refused with 400 and starts nothing', async () => {
    const { responses, operations } = await deliver([replica, push('github', { delivery: 'x'.repeat(256) })]);
    expect(responses.map((r) => r.status)).toEqual([400]);
    expect(operations).toEqual([]);
  });

  it('without a delivery id is handled each time (the host sent nothing to recognize it by)', async () => {
    const unnamed = push('gitlab');
    const { responses, operations } = await deliver([replica, unnamed], [replica, unnamed]);
    expect(responses.map((r) => r.status)).toEqual([202, 202]);
    expect(operations).toHaveLength(2);
  });
});

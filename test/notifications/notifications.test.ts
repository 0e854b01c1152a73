/**
 * Notifications against a real HTTP receiver: one per transition (a second failure in a row is no
 * news, the recovery is), signed with the sink's secret, retried after a 500, held back by the
 * minimum interval, never in the operation's way, and the secret never shown.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { startReceiver, type Receiver } from './receiver.js';

const SECRET = 'notification-secret-0123456789';
const BROKEN = { 'broken.yaml': 'a: [' };
const FIXED = { 'broken.yaml': null };

let t: TestApp;
let git: GitServer;
let receiver: Receiver;
let counter = 0;

beforeAll(async () => {
  [t, git] = await Promise.all([
    startTestApp({ env: { FABRIC_SYNC_NOTIFICATION_RETRY_BASE_MS: '20' } }),
    startGitServer(),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});
afterEach(async () => {
  receiver.release();
  await receiver?.close();
});

interface Delivery {
  event: string;
  status: string;
  statusCode: number | null;
  attempts: number;
}

/** A fabric whose first sync succeeded (the baseline) with a sink on `receiver`; returns ids and repo. */
async function fabricWithSink(sink: Record<string, unknown> = {}) {
  receiver = await startReceiver();
  const name = `notify-${++counter}`;
  const repo = await git.createRepo(name, { 'README.md': 'fabric\n' });
  const { fabricId } = await createFabricWithRepository(t, { name, url: repo.httpUrl });
  const { createNotificationSink } = dataOf(
    await t.gql<{ createNotificationSink: { id: string; hasSecret: boolean } }>(
      `mutation($f: ID!, $i: NotificationSinkInput!) { createNotificationSink(fabricId: $f, input: $i) { id hasSecret } }`,
      {
        f: fabricId,
        i: {
          url: receiver.url,
          secret: SECRET,
          events: ['OPERATION_FAILED', 'OPERATION_RECOVERED'],
          ...sink,
        },
      },
    ),
  );
  expect(createNotificationSink.hasSecret).toBe(true);
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
  return { fabricId, sinkId: createNotificationSink.id, repo };
}

async function syncAfterPush(fabricId: string, repo: TestRepo, files: Record<string, string | null>) {
  await repo.push(files, 'change');
  return (await runFabricOperation(t, 'syncFabric', fabricId)).status;
}

async function deliveries(sinkId: string): Promise<Delivery[]> {
  const { node } = dataOf(
    await t.gql<{ node: { deliveries: { nodes: Delivery[] } } }>(
      `query($id: ID!) { node(id: $id) { ... on NotificationSink { deliveries { nodes { event status statusCode attempts } } } } }`,
      { id: sinkId },
    ),
  );
  return node.deliveries.nodes;
}

describe('notifications', () => {
  it('sends one signed notification per transition: the failure, not the second failure, then the recovery', async () => {
    const { fabricId, sinkId, repo } = await fabricWithSink();
    expect(await syncAfterPush(fabricId, repo, BROKEN)).toBe('FAILED');
    const failed = await receiver.nth(1);
    expect(failed.headers['x-fabricsync-event']).toBe('OPERATION_FAILED');
    expect(failed.headers['x-fabricsync-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    const expected = `sha256=${createHmac('sha256', SECRET).update(failed.body).digest('hex')}`;
    expect(failed.headers['x-fabricsync-signature-256']).toBe(expected);
    expect(JSON.parse(failed.body)).toMatchObject({
      event: 'OPERATION_FAILED',
      fabricId: expect.any(String),
    });

    expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('FAILED');
    expect(await syncAfterPush(fabricId, repo, FIXED)).toBe('SUCCEEDED');
    const recovered = await receiver.nth(2);
    expect(recovered.headers['x-fabricsync-event']).toBe('OPERATION_RECOVERED');
    expect((await deliveries(sinkId)).map((d) => d.event)).toEqual([
      'OPERATION_RECOVERED',
      'OPERATION_FAILED',
    ]);
    expect(receiver.received).toHaveLength(2);
  });

  it('retries a delivery the receiver answered 500, and records it delivered on the second try', async () => {
    const { fabricId, sinkId, repo } = await fabricWithSink();
    receiver.answer(500);
    expect(await syncAfterPush(fabricId, repo, BROKEN)).toBe('FAILED');
    await receiver.nth(2);
    await expect
      .poll(() => deliveries(sinkId))
      .toEqual([{ event: 'OPERATION_FAILED', status: 'DELIVERED', statusCode: 200, attempts: 2 }]);
  });

  it('suppresses a transition inside the minimum interval, and logs it so', async () => {
    const { fabricId, sinkId, repo } = await fabricWithSink({ minIntervalSeconds: 3600 });
    expect(await syncAfterPush(fabricId, repo, BROKEN)).toBe('FAILED');
    expect(await syncAfterPush(fabricId, repo, FIXED)).toBe('SUCCEEDED');
    await expect
      .poll(async () => (await deliveries(sinkId)).map((d) => `${d.event} ${d.status}`))
      .toEqual(['OPERATION_RECOVERED SUPPRESSED', 'OPERATION_FAILED DELIVERED']);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not hold an operation up while the receiver hangs', async () => {
    const { fabricId, repo } = await fabricWithSink();
    receiver.hold();
    expect(await syncAfterPush(fabricId, repo, BROKEN)).toBe('FAILED');
    await receiver.nth(1);
    // The receiver still has not answered, and the next operations run to their end all the same.
    expect(await syncAfterPush(fabricId, repo, FIXED)).toBe('SUCCEEDED');
    expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
  });

  it('never returns the secret over GraphQL nor writes it to the logs', async () => {
    const { fabricId, repo } = await fabricWithSink({ format: 'SLACK' });
    expect(await syncAfterPush(fabricId, repo, BROKEN)).toBe('FAILED');
    const slack = await receiver.nth(1);
    expect(Object.keys(JSON.parse(slack.body))).toEqual(['text']);
    const asked = await t.gql(
      `query($f: ID!) { node(id: $f) { ... on Fabric { notificationSinks { secret } } } }`,
      {
        f: fabricId,
      },
    );
    expect(asked.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);
    const listed = await t.gql(
      `query($f: ID!) { node(id: $f) { ... on Fabric { notificationSinks { url hasSecret } } } }`,
      {
        f: fabricId,
      },
    );
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(t.logs.join('')).not.toContain(SECRET);
  });
});

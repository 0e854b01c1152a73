/**
 * Two server processes (`node --import tsx src/main.ts`) sharing PostgreSQL and Redis: a subscriber
 * on B sees an operation started on A, and after the replica that watches a fabric is SIGKILLed the
 * other one watches it — checked in both directions, so one of them is a real takeover.
 */
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFabricOperation } from '../support/fabric-setup.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import {
  newIdentity,
  startServerProcess,
  type ServerIdentity,
  type ServerProcess,
} from '../support/server-process.js';
import { collect, wsClient } from '../support/subscriptions.js';

const startReplica = (identity: ServerIdentity) =>
  startServerProcess(identity, { REDIS_URL: 'redis://127.0.0.1:6379' });
const kill = (replica: ServerProcess) => replica.stop('SIGKILL');

describe('two server processes on one PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let identity: ServerIdentity;
  let kube: KubeApiServer;
  let api: CustomObjectsApi;
  const replicas: ServerProcess[] = [];
  let fabricId: string;

  beforeAll(async () => {
    [db, kube] = await Promise.all([
      createTestDatabase(),
      startKubeApiServer({ emulateFabricWebhooks: true }),
    ]);
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfigYaml());
    api = kc.makeApiClient(CustomObjectsApi);
    identity = newIdentity(db.url);
    replicas.push(await startReplica(identity), await startReplica(identity));
    ({
      createFabric: { id: fabricId },
    } = dataOf(
      await replicas[0]!.gql<{ createFabric: { id: string } }>(
        `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
        {
          i: { name: 'shared', cluster: { server: kube.url, token: kube.token, caCert: kube.caPem } },
        },
      ),
    ));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map(kill));
    await kube?.close();
    await db?.close();
  });

  it('shows a subscriber on B the progress of an operation started on A', async () => {
    const [a, b] = replicas as [ServerProcess, ServerProcess];
    const operationId = await startFabricOperation(a, 'syncFabric', fabricId);
    const client = wsClient(b.url, identity.adminToken);
    const events = await collect<{ operationProgress: { status: string } }>(
      client,
      `subscription($id: ID!) { operationProgress(operationId: $id) { status } }`,
      { id: operationId },
      (e) => e.operationProgress.status !== 'RUNNING',
    ).done;
    await client.dispose();
    // The fabric has no repository, so the sync fails at FETCH; what matters is that B saw it end.
    expect(events.at(-1)?.operationProgress.status).toBe('FAILED');
  });

  /** Creates an object owned by the fabric and waits for its event on `replica`. */
  async function eventArrivesOn(replica: ServerProcess, name: string): Promise<void> {
    const client = wsClient(replica.url, identity.adminToken);
    const run = collect<{ recordEvents: { name: string; type: string } }>(
      client,
      // after "0" replays what the bus kept, so an event published before the socket was ready still counts.
      `subscription($f: ID!) { recordEvents(fabricId: $f, kinds: [SwitchGroup], after: "0") { name type } }`,
      { f: fabricId },
      (e) => e.recordEvents.name === name,
      45_000,
    );
    const body = {
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'SwitchGroup',
      metadata: {
        name,
        labels: { 'app.kubernetes.io/managed-by': 'fabric-sync', 'fabric-sync.io/fabric': 'shared' },
      },
      spec: {},
    };
    await api.patchNamespacedCustomObject(
      {
        group: 'wiring.githedgehog.com',
        version: 'v1beta1',
        namespace: 'default',
        plural: 'switchgroups',
        name,
        body,
        fieldManager: 'test',
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    await run.done;
    await client.dispose();
  }

  it('keeps watching the fabric after either replica is killed', async () => {
    await eventArrivesOn(replicas[1]!, 'before-kill');
    await kill(replicas[0]!);
    await eventArrivesOn(replicas[1]!, 'after-a-died');
    replicas[0] = await startReplica(identity);
    await kill(replicas[1]!);
    await eventArrivesOn(replicas[0], 'after-b-died');
  });
});

/**
 * cancelOperation: a running apply stops at its next safe point (between dependency waves) and ends
 * CANCELLED, with the interrupted stage CANCELLED and the stages after it never started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import {
  createFabricWithRepository,
  runFabricOperation,
  startFabricOperation,
} from '../support/fabric-setup.js';
import { collect, followOperation, wsClient } from '../support/subscriptions.js';

let t: TestApp;
let git: GitServer;
let kube: KubeApiServer;
let fabricId: string;

beforeAll(async () => {
  [t, git, kube] = await Promise.all([
    startTestApp(),
    startGitServer(),
    startKubeApiServer({ emulateFabricWebhooks: true }),
  ]);
  const repo = await git.createRepo('cancel', fabricFiles(generateFabric({ seed: 21 }), { files: 12 }));
  ({ fabricId } = await createFabricWithRepository(t, {
    name: 'cancel',
    url: repo.httpUrl,
    cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
  }));
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
});
afterAll(async () => {
  await t?.close();
  await git?.close();
  await kube?.close();
});

describe('cancelOperation', () => {
  it('stops a running apply at the next safe point and ends CANCELLED', async () => {
    // Slow requests keep the APPLY stage running long enough to be cancelled in the middle.
    kube.faults.setLatency(150);
    const applyId = await startFabricOperation(t, 'applyFabric', fabricId);
    const client = wsClient(t.url, t.adminToken);
    const progress = collect<{
      operationProgress: { status: string; stage: { name: string; status: string } | null };
    }>(
      client,
      `subscription($id: ID!) { operationProgress(operationId: $id) { status stage { name status } } }`,
      { id: applyId },
      (e) => e.operationProgress.stage?.name === 'APPLY' && e.operationProgress.stage.status === 'RUNNING',
    );
    await progress.done;
    await client.dispose();
    const { cancelOperation } = dataOf(
      await t.gql<{ cancelOperation: { id: string } }>(
        `mutation($id: ID!) { cancelOperation(id: $id) { id } }`,
        { id: applyId },
      ),
    );
    expect(cancelOperation.id).toBe(applyId);
    expect((await followOperation(t.url, t.adminToken, applyId)).at(-1)).toBe('CANCELLED');
    kube.faults.clear();
    const { operation } = dataOf(
      await t.gql<{ operation: { status: string; stages: { name: string; status: string }[] } }>(
        `query($id: ID!) { operation(id: $id) { status stages { name status } } }`,
        { id: applyId },
      ),
    );
    expect(operation.stages).toEqual([
      { name: 'PLAN', status: 'SUCCEEDED' },
      { name: 'APPLY', status: 'CANCELLED' },
      { name: 'PRUNE', status: 'CANCELLED' },
    ]);
  });
});

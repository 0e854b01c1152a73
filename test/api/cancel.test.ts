/**
 * cancelOperation: a running apply stops at its next safe point (between dependency waves) and ends
 * CANCELLED, with the interrupted stage CANCELLED and the stages after it never started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
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
  const { createRepository } = dataOf(
    await t.gql<{ createRepository: { id: string } }>(
      `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
      {
        i: { name: 'cancel', url: repo.httpUrl },
      },
    ),
  );
  fabricId = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      {
        i: {
          name: 'cancel',
          repositoryId: createRepository.id,
          cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
        },
      },
    ),
  ).createFabric.id;
  const { syncFabric } = dataOf(
    await t.gql<{ syncFabric: { id: string } }>(`mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`, {
      f: fabricId,
    }),
  );
  expect((await followOperation(t.url, t.adminToken, syncFabric.id)).at(-1)).toBe('SUCCEEDED');
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
    const { applyFabric } = dataOf(
      await t.gql<{ applyFabric: { id: string } }>(`mutation($f: ID!) { applyFabric(fabricId: $f) { id } }`, {
        f: fabricId,
      }),
    );
    const client = wsClient(t.url, t.adminToken);
    const progress = collect<{
      operationProgress: { status: string; stage: { name: string; status: string } | null };
    }>(
      client,
      `subscription($id: ID!) { operationProgress(operationId: $id) { status stage { name status } } }`,
      { id: applyFabric.id },
      (e) => e.operationProgress.stage?.name === 'APPLY' && e.operationProgress.stage.status === 'RUNNING',
    );
    await progress.done;
    await client.dispose();
    const { cancelOperation } = dataOf(
      await t.gql<{ cancelOperation: { id: string } }>(
        `mutation($id: ID!) { cancelOperation(id: $id) { id } }`,
        { id: applyFabric.id },
      ),
    );
    expect(cancelOperation.id).toBe(applyFabric.id);
    expect((await followOperation(t.url, t.adminToken, applyFabric.id)).at(-1)).toBe('CANCELLED');
    kube.faults.clear();
    const { operation } = dataOf(
      await t.gql<{ operation: { status: string; stages: { name: string; status: string }[] } }>(
        `query($id: ID!) { operation(id: $id) { status stages { name status } } }`,
        { id: applyFabric.id },
      ),
    );
    expect(operation.stages).toEqual([
      { name: 'PLAN', status: 'SUCCEEDED' },
      { name: 'APPLY', status: 'CANCELLED' },
      { name: 'PRUNE', status: 'CANCELLED' },
    ]);
  });
});

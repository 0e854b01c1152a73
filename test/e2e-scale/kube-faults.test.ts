/**
 * The Kubernetes side of issue 10's faults, through the whole product (GraphQL, the default retry
 * policy, the watch running): 10% 503s with Retry-After plus 200 ms latency during an apply, an
 * outage in the middle of an apply, a token that expires mid-apply, and watch streams cut every
 * 300 ms plus a forced 410 while an apply creates every object. After each, a reconcile leaves the
 * cluster equal to Git. (One watch loop under each of these alone: test/watch/*.test.ts.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/domain/kinds.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import type { TestRepo } from '../support/git-server.js';
import { collect, followOperation, wsClient } from '../support/subscriptions.js';
import { gvr, liveObjects } from '../sync/live.js';
import type { Manifest } from '../../src/domain/manifest.js';
import {
  clusterState,
  createFabric,
  differingKeys,
  gitState,
  operation,
  runOperation,
  stageCounts,
  startStack,
  waitForFabric,
  type Stack,
} from './support.js';
import { startFabricOperation } from '../support/fabric-setup.js';

const DIR = 'fabrics/faults';

interface RecordLive {
  kind: string;
  name: string;
  live: { resourceVersion: string | null } | null;
}
const rvOf = (live: Map<string, Manifest>, r: RecordLive) =>
  live.get(`${r.kind}/default/${r.name}`)?.metadata['resourceVersion'];
/**
 * A cluster outage mid-apply that outlasts the client's retries (DEFAULT_RETRY waits 3.1 s at most
 * over its 6 attempts), and one they outlast (they wait 1.55 s at least). Issue 10 says 30 s; the
 * long one is shorter by default to keep `npm test` quick (E2E_OUTAGE_MS to change it).
 */
const LONG_OUTAGE_MS = Math.max(5_000, Number(process.env['E2E_OUTAGE_MS'] ?? 0));
const SHORT_OUTAGE_MS = 500;
const manifests = generateFabric({ seed: 11, leafPairs: 1, serversPerPair: 16, vpcs: 3, peerings: 1 });

describe('Kubernetes faults during apply', () => {
  let stack: Stack;
  let repo: TestRepo;
  let fabricId: string;

  beforeAll(async () => {
    stack = await startStack();
    repo = await stack.git.createRepo('faults', fabricFiles(manifests, { files: 10, dir: DIR }));
    fabricId = await createFabric(stack.t, stack.kube, {
      name: 'faults',
      repo,
      directory: DIR,
    });
  }, 120_000);
  afterEach(() => stack.kube.faults.clear());
  afterAll(() => stack?.close());

  const expectClusterEqualsGit = async () =>
    expect(differingKeys(await clusterState(stack.api), await gitState(repo, DIR))).toEqual([]);

  /** Empties the cluster, so the next reconcile has every object to create. */
  const emptyCluster = async () => {
    for (const { kind } of KINDS) await stack.api.deleteCollectionNamespacedCustomObject(gvr(kind));
  };

  /** Starts a reconcile and resolves once its APPLY stage is running. */
  async function reconcileUntilApplying(): Promise<string> {
    const id = await startFabricOperation(stack.t, 'reconcileFabric', fabricId);
    const client = wsClient(stack.t.url, stack.t.adminToken);
    try {
      await collect<{
        operationProgress: { status: string; stage: { name: string; status: string } | null };
      }>(
        client,
        `subscription($id: ID!) { operationProgress(operationId: $id) { status stage { name status } } }`,
        { id },
        ({ operationProgress: p }) => p.stage?.name === 'APPLY' && p.stage.status === 'RUNNING',
      ).done;
    } finally {
      await client.dispose();
    }
    return id;
  }

  it('the watch loses no object while its streams are cut every 300 ms and history is compacted mid-apply', async () => {
    await waitForFabric<{ watchStatus: string }>(
      stack.t,
      fabricId,
      'watchStatus',
      (f) => f.watchStatus === 'ACTIVE',
      'the watch to be active',
    );
    await emptyCluster();
    const since = new Date();
    const client = wsClient(stack.t.url, stack.t.adminToken);
    const added = new Set<string>();
    const events = collect<{ recordEvents: { type: string; kind: string; name: string; at: string } }>(
      client,
      `subscription($f: ID!) { recordEvents(fabricId: $f, after: "0") { type kind name at } }`,
      { f: fabricId },
      ({ recordEvents: e }) => {
        if (e.type === 'ADDED' && Date.parse(e.at) >= since.getTime())
          added.add(`${e.kind}/default/${e.name}`);
        return added.size === manifests.length;
      },
    ).done;
    stack.kube.faults.setLatency(20);
    const cuts = setInterval(() => stack.kube.faults.dropWatches({ abrupt: true }), 300);
    try {
      const id = await reconcileUntilApplying();
      stack.kube.compact();
      await followOperation(stack.t.url, stack.t.adminToken, id);
      expect((await operation(stack.t, id)).status).toBe('SUCCEEDED');
    } finally {
      clearInterval(cuts);
    }
    await events.finally(() => client.dispose());
    expect([...added].sort()).toEqual([...(await gitState(repo, DIR)).keys()].sort());
    // Every record's live state is the cluster's, as the watch saw it.
    const live = await liveObjects(stack.api);
    const views = await waitForFabric<{ records: { nodes: RecordLive[] } }>(
      stack.t,
      fabricId,
      'records(first: 500) { nodes { kind name live { resourceVersion } } }',
      (f) => f.records.nodes.every((r) => r.live?.resourceVersion === rvOf(live, r)),
      'the records to carry the live resource versions',
    );
    expect(views.records.nodes).toHaveLength(manifests.length);
  }, 120_000);

  it('completes through 10% 503s with Retry-After and 200 ms latency; the cluster equals Git', async () => {
    await emptyCluster();
    stack.kube.faults.setLatency(200);
    stack.kube.faults.failRequests({ share: 0.1, status: 503, retryAfterSeconds: 1 });
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    stack.kube.faults.clear();
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(op, 'APPLY')).toMatchObject({ created: manifests.length, failed: 0 });
    expect(stageCounts(op, 'COMPARE')).toMatchObject({ inSync: manifests.length, modified: 0, missing: 0 });
    await expectClusterEqualsGit();
  }, 120_000);

  /** Stops the API server for `ms` in the middle of a reconcile's apply; the reconcile's operation once ended. */
  async function outageMidApply(ms: number) {
    await emptyCluster();
    stack.kube.faults.setLatency(100); // an apply long enough to be cut in its middle
    const id = await reconcileUntilApplying();
    await stack.kube.stop();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await stack.kube.start();
    await followOperation(stack.t.url, stack.t.adminToken, id);
    stack.kube.faults.clear();
    return operation(stack.t, id);
  }

  it(`an outage of ${LONG_OUTAGE_MS} ms mid-apply fails the operation clearly; the next reconcile completes`, async () => {
    const cut = await outageMidApply(LONG_OUTAGE_MS);
    expect(cut.status).toBe('FAILED');
    expect(cut.message).toMatch(/unreachable|ECONNREFUSED|connect/i);
    expect(cut.stages.find((s) => s.name === 'APPLY')?.status).toBe('FAILED');

    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(op, 'COMPARE')).toMatchObject({ inSync: manifests.length, missing: 0 });
    await expectClusterEqualsGit();
  }, 120_000);

  it(`an outage of ${SHORT_OUTAGE_MS} ms mid-apply is outlasted by the retries: the operation succeeds`, async () => {
    const outlasted = await outageMidApply(SHORT_OUTAGE_MS);
    expect(outlasted.status, outlasted.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(outlasted, 'COMPARE')).toMatchObject({ inSync: manifests.length, missing: 0 });
    await expectClusterEqualsGit();
  }, 120_000);

  it('a token that expires mid-apply fails the operation as UNAUTHORIZED; with a new token it completes', async () => {
    await emptyCluster();
    stack.kube.faults.setLatency(100);
    const id = await reconcileUntilApplying();
    stack.kube.faults.expireToken();
    await followOperation(stack.t.url, stack.t.adminToken, id);
    const refused = await operation(stack.t, id);
    expect(refused.status).toBe('FAILED');
    expect(refused.message).toMatch(/unauthori[sz]ed|401|token/i);
    await waitForFabric<{ connectionStatus: string }>(
      stack.t,
      fabricId,
      'connectionStatus',
      (f) => f.connectionStatus === 'UNAUTHORIZED',
      'the fabric to be UNAUTHORIZED',
    );
    stack.kube.faults.clear();

    stack.kube.faults.rotateToken();
    const updated = await stack.t.gql(
      `mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { id } }`,
      {
        id: fabricId,
        i: { cluster: { server: stack.kube.url, token: stack.kube.token, caCert: stack.kube.caPem } },
      },
    );
    expect(updated.errors).toBeUndefined();
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    await expectClusterEqualsGit();
    const fabric = await waitForFabric<{ connectionStatus: string; syncStatus: string }>(
      stack.t,
      fabricId,
      'connectionStatus syncStatus',
      (f) => f.connectionStatus === 'CONNECTED',
      'the fabric to be CONNECTED',
    );
    expect(fabric.syncStatus).toBe('IN_SYNC');
  }, 120_000);
});

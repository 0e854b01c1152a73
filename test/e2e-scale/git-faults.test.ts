/**
 * Issue 10's Git faults through reconcile, the server reaching the repository through a proxy the
 * test controls: the remote unreachable, the credentials revoked (the remote now answers 401), and
 * the branch force-pushed backwards. A failed fetch names its cause and changes neither the records
 * nor the cluster; a branch moved back is followed, prune included.
 * (GitSource on its own: test/git/connection.test.ts, test/git/fetch-read.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { dataOf } from '../support/app.js';
import { startGitProxy } from '../support/git-proxy.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import type { TestRepo } from '../support/git-server.js';
import {
  clusterState,
  createFabric,
  differingKeys,
  gitState,
  runOperation,
  stageCounts,
  startStack,
  type Stack,
} from './support.js';

const DIR = 'fabrics/git';
const manifests = generateFabric({ seed: 9, leafPairs: 1, serversPerPair: 8, vpcs: 2, peerings: 1 });

describe('Git faults during reconcile', () => {
  let stack: Stack;
  let repo: TestRepo;
  let proxy: Awaited<ReturnType<typeof startGitProxy>>;
  let fabricId: string;
  let first: string;

  beforeAll(async () => {
    stack = await startStack();
    repo = await stack.git.createRepo('remote', fabricFiles(manifests, { files: 8, dir: DIR }));
    first = await repo.headCommit();
    proxy = await startGitProxy(stack.git.url);
    fabricId = await createFabric(stack.t, stack.kube, {
      name: 'git-faults',
      repo,
      directory: DIR,
      url: `${proxy.url}/remote.git`,
    });
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    await stack?.close();
  });

  const syncedCommit = async () =>
    dataOf(
      await stack.t.gql<{ fabric: { syncedCommit: string } }>(
        `query($id: ID!) { fabric(id: $id) { syncedCommit } }`,
        {
          id: fabricId,
        },
      ),
    ).fabric.syncedCommit;

  /** A commit changing three servers and deleting three attachments: pushed, not yet synced. */
  const pushChange = async () => {
    const servers = manifests.filter((m) => m.kind === 'Server').slice(0, 3);
    const deleted = new Set(manifests.filter((m) => m.kind === 'VPCAttachment').slice(0, 3));
    const next: Manifest[] = manifests
      .filter((m) => !deleted.has(m))
      .map((m) => (servers.includes(m) ? { ...m, spec: { description: 'changed' } } : m));
    const before = fabricFiles(manifests, { files: 8, dir: DIR });
    return repo.push(
      {
        ...Object.fromEntries(Object.keys(before).map((p) => [p, null])),
        ...fabricFiles(next, { files: 8, dir: DIR }),
      },
      'change 3, delete 3',
    );
  };

  /** A reconcile that must fail at FETCH and leave the synced commit and the cluster as they were. */
  async function expectFetchFailure(pattern: RegExp) {
    const cluster = await clusterState(stack.api);
    const commit = await syncedCommit();
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status).toBe('FAILED');
    expect(op.stages.find((s) => s.name === 'FETCH')?.status).toBe('FAILED');
    expect(op.stages.find((s) => s.name === 'APPLY')?.status).not.toBe('SUCCEEDED');
    expect(op.message).toMatch(pattern);
    expect(op.message).not.toContain(stack.git.url); // the proxy is what the server knows
    expect(await syncedCommit()).toBe(commit);
    expect(differingKeys(await clusterState(stack.api), cluster)).toEqual([]);
  }

  it('an unreachable remote fails FETCH naming it; once back, the pending commit lands', async () => {
    const pending = await pushChange();
    await proxy.stop();
    try {
      await expectFetchFailure(/unreachable|could not connect|connection refused|failed to connect/i);
    } finally {
      await proxy.start();
    }
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(op, 'PERSIST')).toMatchObject({ updated: 3, deleted: 3 });
    expect(await syncedCommit()).toBe(pending);
    expect(differingKeys(await clusterState(stack.api), await gitState(repo, DIR))).toEqual([]);
  });

  it('revoked credentials fail FETCH as an authentication failure', async () => {
    proxy.answerWith('revoked');
    try {
      await expectFetchFailure(/credentials were refused.*HTTP 401/);
    } finally {
      proxy.answerWith('forward');
    }
  });

  it('a branch force-pushed backwards is followed: records and cluster return to the older commit', async () => {
    await repo.resetBranch(repo.defaultBranch, first);
    const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(op, 'PERSIST')).toMatchObject({ created: 3, updated: 3 });
    expect(stageCounts(op, 'PRUNE')).toMatchObject({ deleted: 0 });
    expect(await syncedCommit()).toBe(first);
    expect(differingKeys(await clusterState(stack.api), await gitState(repo, DIR))).toEqual([]);
  });
});

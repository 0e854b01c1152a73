/**
 * Issue 10's scenario at a small size: a generated fabric in a Git repository served over HTTP with
 * basic auth → reconcileFabric → records → server-side apply → drift check, with the watch running;
 * then a commit changing ~1% of the objects, renaming and deleting a few; kubectl edits behind Git's
 * back; an owned object created by hand. Each step is checked by what GraphQL, the live events, the
 * cluster and the drift report show — and the cluster is compared with the repository itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../src/cluster/index.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';
import type { TestRepo } from '../support/git-server.js';
import { collect, followOperation, wsClient } from '../support/subscriptions.js';
import { Kubectl } from '../kube-apiserver/kubectl-run.js';
import { gvr } from '../sync/live.js';
import {
  clusterState,
  createFabric,
  differingKeys,
  gitState,
  latestDrift,
  operation,
  queryLoad,
  runOperation,
  stageCounts,
  startStack,
  waitForFabric,
  type Stack,
} from './support.js';
import { startFabricOperation } from '../support/fabric-setup.js';

const DIR = 'fabrics/e2e';
const FILES = 20;
const NAME = 'e2e';

interface RecordEventView {
  recordEvents: { type: string; kind: string; name: string; state: string | null; at: string };
}

/**
 * Subscribes to the fabric's recordEvents replaying the bus's history (so nothing published before
 * the server registered the subscription is missed) and keeps those published from `since` on.
 */
function recordEventsSince(
  stack: Stack,
  fabricId: string,
  since: Date,
  until: (seen: RecordEventView['recordEvents'][]) => boolean,
) {
  const client = wsClient(stack.t.url, stack.t.adminToken);
  const fresh: RecordEventView['recordEvents'][] = [];
  const { done } = collect<RecordEventView>(
    client,
    `subscription($f: ID!) { recordEvents(fabricId: $f, after: "0") { type kind name state at } }`,
    { f: fabricId },
    ({ recordEvents: e }) => {
      if (Date.parse(e.at) >= since.getTime()) fresh.push(e);
      return until(fresh);
    },
  );
  return done.then(
    async () => (await client.dispose(), fresh),
    async (err: unknown) => {
      await client.dispose();
      throw err;
    },
  );
}

const withName = (m: Manifest, name: string): Manifest => ({ ...m, metadata: { ...m.metadata, name } });
const byKind = (ms: readonly Manifest[], kind: string) => ms.filter((m) => m.kind === kind);

/** The whole layout as one push: files the new layout no longer has are deleted. */
const layoutChange = (before: Record<string, string>, after: Record<string, string>) => ({
  ...Object.fromEntries(Object.keys(before).map((path) => [path, null])),
  ...after,
});

describe('one fabric through every pipeline', () => {
  let stack: Stack;
  let repo: TestRepo;
  let fabricId: string;
  let kubectl: Kubectl;
  const initial = generateFabric(shapeFor(300));
  let files = fabricFiles(initial, { files: FILES, dir: DIR });

  beforeAll(async () => {
    stack = await startStack();
    repo = await stack.git.createRepo('fabrics', files);
    fabricId = await createFabric(stack.t, stack.kube, {
      name: NAME,
      repo,
      directory: DIR,
    });
    kubectl = await Kubectl.forServer(stack.kube);
  }, 120_000);
  afterAll(async () => {
    await kubectl?.cleanup();
    await stack?.close();
  });

  const expectClusterEqualsGit = async () =>
    expect(differingKeys(await clusterState(stack.api), await gitState(repo, DIR))).toEqual([]);

  it('reconciles the generated fabric into records and the cluster, IN_SYNC, while 10 clients query', async () => {
    const id = await startFabricOperation(stack.t, 'reconcileFabric', fabricId);
    const finished = followOperation(stack.t.url, stack.t.adminToken, id);
    const load = await queryLoad(stack.t, 10, finished);
    expect(await finished).toContain('SUCCEEDED');
    expect(load.errors).toEqual([]);
    expect(load.requests).toBeGreaterThan(10);

    const op = await operation(stack.t, id);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(op.stages.map((s) => `${s.name}:${s.status}`)).toEqual(
      ['FETCH', 'PARSE', 'VALIDATE', 'PERSIST', 'PLAN', 'APPLY', 'PRUNE', 'LIST', 'COMPARE'].map(
        (s) => `${s}:SUCCEEDED`,
      ),
    );
    const n = initial.length;
    expect(stageCounts(op, 'PERSIST')).toMatchObject({ created: n, updated: 0, deleted: 0 });
    expect(stageCounts(op, 'APPLY')).toMatchObject({ created: n, configured: 0, failed: 0 });
    expect(stageCounts(op, 'PRUNE')).toMatchObject({ deleted: 0 });
    expect(stageCounts(op, 'COMPARE')).toMatchObject({ inSync: n, modified: 0, missing: 0, orphaned: 0 });

    const fabric = await waitForFabric<{
      syncStatus: string;
      watchStatus: string;
      syncedCommit: string;
      records: { totalCount: number };
    }>(
      stack.t,
      fabricId,
      'syncStatus watchStatus syncedCommit records(first: 1) { totalCount }',
      (f) => f.watchStatus === 'ACTIVE',
      'the watch to be active',
    );
    expect(fabric).toMatchObject({
      syncStatus: 'IN_SYNC',
      syncedCommit: await repo.headCommit(),
      records: { totalCount: n },
    });
    await expectClusterEqualsGit();
    const drift = await latestDrift(stack.t, fabricId);
    expect(drift.differences.totalCount).toBe(0);
  });

  describe('a commit that changes 1% of the objects, renames 3 and deletes 3', () => {
    const servers = byKind(initial, 'Server').slice(0, 3);
    const attachments = byKind(initial, 'VPCAttachment');
    const renamed = attachments.slice(0, 3);
    const deleted = attachments.slice(3, 6);
    const newName = (m: Manifest) => `${m.metadata.name}-r`;
    let op: Awaited<ReturnType<typeof runOperation>>;
    let events: RecordEventView['recordEvents'][];

    beforeAll(async () => {
      const since = new Date();
      const current = initial
        .filter((m) => !deleted.includes(m))
        .map((m) =>
          servers.includes(m)
            ? { ...m, spec: { description: `${m.spec?.['description'] as string}, moved` } }
            : renamed.includes(m)
              ? withName(m, newName(m))
              : m,
        );
      const next = fabricFiles(current, { files: FILES, dir: DIR });
      await repo.push(layoutChange(files, next), 'change 3 servers, rename 3 attachments, delete 3');
      files = next;

      const expected = new Set([
        ...servers.map((m) => `MODIFIED Server/${m.metadata.name}`),
        ...renamed.map((m) => `ADDED VPCAttachment/${newName(m)}`),
        ...renamed.map((m) => `DELETED VPCAttachment/${m.metadata.name}`),
        ...deleted.map((m) => `DELETED VPCAttachment/${m.metadata.name}`),
      ]);
      const watched = recordEventsSince(stack, fabricId, since, (seen) => {
        const keys = new Set(seen.map((e) => `${e.type} ${e.kind}/${e.name}`));
        return [...expected].every((x) => keys.has(x));
      });
      op = await runOperation(stack.t, 'reconcileFabric', fabricId);
      events = await watched;
    }, 60_000);

    it('counts exactly those changes in every stage', () => {
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      expect(stageCounts(op, 'PERSIST')).toMatchObject({ created: 3, updated: 3, deleted: 6 });
      expect(stageCounts(op, 'PLAN')).toMatchObject({ toApply: 6, toPrune: 6 });
      expect(stageCounts(op, 'APPLY')).toMatchObject({ created: 3, configured: 3, failed: 0 });
      expect(stageCounts(op, 'PRUNE')).toMatchObject({ deleted: 6 });
      expect(stageCounts(op, 'COMPARE')).toMatchObject({
        inSync: initial.length - 3,
        modified: 0,
        missing: 0,
        orphaned: 0,
      });
    });

    it('publishes a recordEvent for each changed object and none for the others', () => {
      const names = new Set([
        ...servers.map((m) => m.metadata.name),
        ...renamed.flatMap((m) => [m.metadata.name, newName(m)]),
        ...deleted.map((m) => m.metadata.name),
      ]);
      expect(events.filter((e) => !names.has(e.name))).toEqual([]);
      for (const e of events.filter((x) => x.type !== 'DELETED'))
        expect(['APPLIED', 'IN_SYNC'], `${e.type} ${e.name}`).toContain(e.state);
    });

    it('leaves the cluster equal to the new commit, IN_SYNC, with a clean drift report', async () => {
      await expectClusterEqualsGit();
      const drift = await latestDrift(stack.t, fabricId);
      expect(drift.differences.totalCount).toBe(0);
      const fabric = await waitForFabric(
        stack.t,
        fabricId,
        'syncStatus syncedCommit',
        () => true,
        'the fabric',
      );
      expect(fabric).toEqual({ syncStatus: 'IN_SYNC', syncedCommit: await repo.headCommit() });
    });
  });

  describe('kubectl edits and an owned object created behind our back', () => {
    const vpc = byKind(initial, 'VPC')[0]!;
    const sw = byKind(initial, 'Switch')[0]!;
    const vlan = (vpc.spec?.['subnets'] as Record<string, { vlan: number }>)['subnet-1']!.vlan;
    const orphan = {
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'VLANNamespace',
      metadata: { name: 'made-by-hand', labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: NAME } },
      spec: { ranges: [{ from: 100, to: 200 }] },
    };
    let events: RecordEventView['recordEvents'][];

    beforeAll(async () => {
      const watched = recordEventsSince(stack, fabricId, new Date(), (seen) =>
        seen.some((e) => e.name === orphan.metadata.name),
      );
      const patch = JSON.stringify({ spec: { subnets: { 'subnet-1': { vlan: 1999 } } } });
      const edits = [
        ['patch', `vpcs.vpc.githedgehog.com/${vpc.metadata.name}`, '--type', 'merge', '-p', patch],
        ['label', `switches.wiring.githedgehog.com/${sw.metadata.name}`, 'team=blue'],
      ];
      for (const args of edits) {
        const result = await kubectl.run(args);
        expect(result.code, result.stderr).toBe(0);
      }
      await stack.api.createNamespacedCustomObject({ ...gvr('VLANNamespace'), body: orphan });
      events = await watched;
    }, 60_000);

    it('the watch reports each edit as it happens: DRIFTED records and an ORPHANED object', () => {
      expect(events.map((e) => [e.type, e.kind, e.name, e.state])).toEqual([
        ['MODIFIED', 'VPC', vpc.metadata.name, 'DRIFTED'],
        ['MODIFIED', 'Switch', sw.metadata.name, 'DRIFTED'],
        ['ADDED', 'VLANNamespace', orphan.metadata.name, 'ORPHANED'],
      ]);
    });

    it('the drift report lists exactly the edited fields and the orphan', async () => {
      const op = await runOperation(stack.t, 'checkDrift', fabricId);
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      const drift = await latestDrift(stack.t, fabricId);
      const differences = drift.differences.nodes.map(({ kind, name, type, path, desired, live }) => ({
        kind,
        name,
        type,
        path,
        desired,
        live,
      }));
      expect(differences.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
        {
          kind: 'Switch',
          name: sw.metadata.name,
          type: 'MODIFIED',
          path: 'metadata.labels.team',
          desired: null,
          live: 'blue',
        },
        {
          kind: 'VLANNamespace',
          name: orphan.metadata.name,
          type: 'ORPHANED',
          path: '',
          desired: null,
          live: expect.objectContaining({ kind: 'VLANNamespace', spec: orphan.spec }),
        },
        {
          kind: 'VPC',
          name: vpc.metadata.name,
          type: 'MODIFIED',
          path: 'spec.subnets.subnet-1.vlan',
          desired: vlan,
          live: 1999,
        },
      ]);
      const counts = Object.fromEntries(drift.counts.map((c) => [c.type, c.count]));
      expect(counts).toMatchObject({ MODIFIED: 2, ORPHANED: 1, MISSING: 0 });
    });

    it('the next reconcile prunes the orphan and restores Git’s values; only the foreign label stays', async () => {
      const op = await runOperation(stack.t, 'reconcileFabric', fabricId);
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      expect(stageCounts(op, 'PRUNE')).toMatchObject({ deleted: 1 });
      // Server-side apply never removes a field another manager owns: kubectl's label survives the
      // apply, and the drift check keeps reporting it (left for the apply pipeline to decide).
      expect(differingKeys(await clusterState(stack.api), await gitState(repo, DIR))).toEqual([
        `Switch/default/${sw.metadata.name}`,
      ]);
      const drift = await latestDrift(stack.t, fabricId);
      expect(drift.differences.nodes.map((d) => [d.kind, d.name, d.type, d.path])).toEqual([
        ['Switch', sw.metadata.name, 'MODIFIED', 'metadata.labels.team'],
      ]);
    });
  });
});

/** RECONCILE = git sync + apply (when auto-apply) + drift check, as one operation, from a real Git repository. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fabric, GitRepository, type Operation } from '../../src/store/entities/index.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { liveObjects } from './live.js';

const stages = (op: Operation) => op.stages.map((s) => [s.name, s.status, s.message]);

describe('reconcile', () => {
  let h: SyncHarness;
  let git: GitServer;
  let repo: TestRepo;
  let repositoryId: string;
  let eastId: string;
  const manifests = generateFabric({
    seed: 3,
    leafPairs: 1,
    serversPerPair: 3,
    vpcs: 2,
    peerings: 1,
    externals: 1,
  });

  beforeAll(async () => {
    h = await startSyncHarness();
    git = await startGitServer();
    repo = await git.createRepo('fabrics', fabricFiles(manifests, { dir: 'east', files: 5 }));
    const em = h.db.orm.em.fork();
    repositoryId = randomUUID();
    const entity = Object.assign(new GitRepository(), {
      id: repositoryId,
      name: 'fabrics',
      url: repo.fileUrl,
      defaultBranch: repo.defaultBranch,
    });
    await em.persist(entity).flush();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await git?.close();
  });

  it('with auto-apply: syncs, applies and finds the fabric IN_SYNC in one operation', async () => {
    const fabric = await h.createFabric({ name: 'east', autoApply: true, repositoryId, directory: 'east' });
    eastId = fabric.id;
    const op = await h.run(fabric.id, 'RECONCILE');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(op.stages.map((s) => s.name)).toEqual([
      'FETCH',
      'PARSE',
      'VALIDATE',
      'PERSIST',
      'PLAN',
      'APPLY',
      'PRUNE',
      'LIST',
      'COMPARE',
    ]);
    expect(op.stages.every((s) => s.status === 'SUCCEEDED')).toBe(true);
    expect((await liveObjects(h.api)).size).toBe(manifests.length);
    expect((await h.fabric(fabric.id)).syncStatus).toBe('IN_SYNC');
    expect((await h.records(fabric.id)).every((r) => r.state === 'IN_SYNC')).toBe(true);

    // Unchanged Git: only the rest of the git part has nothing to do; apply and drift still run.
    const before = h.kube.resourceVersion;
    const again = await h.run(fabric.id, 'RECONCILE');
    expect(again.status, again.message ?? '').toBe('SUCCEEDED');
    const byName = new Map(again.stages.map((s) => [s.name, s]));
    expect(byName.get('PARSE')?.message).toMatch(/no change/);
    expect(byName.get('PLAN')?.counts).toMatchObject({ toApply: 0 });
    expect(byName.get('COMPARE')?.counts).toMatchObject({ inSync: manifests.length });
    expect(h.kube.resourceVersion).toBe(before);
  });

  it('without auto-apply: the apply part has nothing to do and drift still compares', async () => {
    // "east" itself with auto-apply turned off: no second fabric may read its directory or its namespace.
    await h.db.orm.em.fork().nativeUpdate(Fabric, { id: eastId }, { autoApply: false });
    const op = await h.run(eastId, 'RECONCILE');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stages(op).filter(([name]) => ['PLAN', 'APPLY', 'PRUNE'].includes(String(name)))).toEqual([
      ['PLAN', 'SUCCEEDED', 'auto-apply is off for this fabric'],
      ['APPLY', 'SUCCEEDED', 'auto-apply is off for this fabric'],
      ['PRUNE', 'SUCCEEDED', 'auto-apply is off for this fabric'],
    ]);
    // the objects exist (applied by the first reconcile), so they compare equal by content; the
    // fabric was IN_SYNC already, so the stage's counts show that this reconcile compared them
    expect(op.stages.find((s) => s.name === 'COMPARE')?.counts).toMatchObject({ inSync: manifests.length });
    expect((await h.fabric(eastId)).syncStatus).toBe('IN_SYNC');
  });

  it('an invalid commit fails the operation before anything reaches the cluster', async () => {
    const fabric = await h.createFabric({
      name: 'south',
      autoApply: true,
      repositoryId,
      directory: 'south',
      namespace: 'south',
    });
    await repo.push(
      {
        'south/bad.yaml':
          'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: Not_A_Name\n',
      },
      'bad',
    );
    const before = h.kube.resourceVersion;
    const op = await h.run(fabric.id, 'RECONCILE');
    expect(op.status).toBe('FAILED');
    expect(op.stages.find((s) => s.name === 'APPLY')?.status).toBe('SKIPPED');
    expect(h.kube.resourceVersion).toBe(before);
  });
});

/**
 * Hedgehog's own CI lab wiring (../shared/hedgehog/samples, both revisions), committed unmodified,
 * goes through the whole pipeline — git sync, validate, apply, prune, drift check — onto the test
 * cluster with the fabric's webhooks emulated, defaults and rules: it is admitted, and the cluster
 * then equals Git (IN_SYNC, drift score 0). Every kind in these files is one fabric-sync supports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { kubeApi } from '../sync/harness.js';
import { HAS_SHARED, sampleText } from '../domain/shared-data.js';
import {
  clusterState,
  createFabric,
  differingKeys,
  gitState,
  GIT_USER,
  latestDrift,
  runOperation,
  stageCounts,
  type OperationView,
} from './support.js';

const DIR = 'envs/env-ci-1.l';
const FILE = `${DIR}/wiring.yaml`;
const OLD = 'lab-ci_env-ci-1_wiring.251b76f.yaml';
const NEW = 'lab-ci_env-ci-1_wiring.95ca77d.yaml';

/** One lab: its own cluster (webhook defaults and rules emulated), repository and fabric. */
interface Lab {
  readonly kube: KubeApiServer;
  readonly repo: TestRepo;
  readonly fabricId: string;
}

describe.runIf(HAS_SHARED)("Hedgehog's lab-ci wiring syncs unmodified", () => {
  let git: GitServer;
  let t: TestApp;
  const kubes: KubeApiServer[] = [];

  beforeAll(async () => {
    git = await startGitServer({ users: [GIT_USER] });
    t = await startTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(kubes.map((k) => k.close()));
    await git?.close();
  });

  async function startLab(name: string, sample: string): Promise<Lab> {
    const kube = await startKubeApiServer({ emulateFabricWebhooks: true, enforceFabricWebhookRules: true });
    kubes.push(kube);
    const repo = await git.createRepo(name, { [FILE]: sampleText(sample) });
    return { kube, repo, fabricId: await createFabric(t, kube, { name, repo, directory: DIR }) };
  }

  async function reconcile(lab: Lab, objects: number): Promise<OperationView> {
    const op = await runOperation(t, 'reconcileFabric', lab.fabricId);
    expect(op.errors).toEqual([]);
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stageCounts(op, 'VALIDATE')).toMatchObject({ objects });
    expect(stageCounts(op, 'APPLY')).toMatchObject({ failed: 0 });
    return op;
  }

  async function syncState(lab: Lab) {
    const { fabric } = dataOf(
      await t.gql<{ fabric: { syncStatus: string; drift: { score: number } | null } }>(
        `query($id: ID!) { fabric(id: $id) { syncStatus drift { score } } }`,
        { id: lab.fabricId },
      ),
    );
    const { differences } = await latestDrift(t, lab.fabricId);
    return { syncStatus: fabric.syncStatus, score: fabric.drift?.score, differences: differences.nodes };
  }

  const IN_SYNC = { syncStatus: 'IN_SYNC', score: 0, differences: [] };

  it.each([
    { sample: OLD, objects: 52, name: 'lab-old' },
    { sample: NEW, objects: 51, name: 'lab-new' },
  ])(
    '$sample: $objects objects admitted, IN_SYNC, drift score 0',
    async ({ sample, objects, name }) => {
      const lab = await startLab(name, sample);
      await reconcile(lab, objects);
      expect(await syncState(lab)).toEqual(IN_SYNC);
      expect(differingKeys(await gitState(lab.repo, DIR), await clusterState(kubeApi(lab.kube)))).toEqual([]);
    },
    120_000,
  );

  it(`${OLD} then ${NEW}: the ESLAG connections replacing MCLAG ones are admitted, the removed objects pruned`, async () => {
    const lab = await startLab('lab-upgrade', OLD);
    await reconcile(lab, 52);
    await lab.repo.push({ [FILE]: sampleText(NEW) }, 'lab-ci 95ca77d');
    const op = await reconcile(lab, 51);
    // SwitchGroup mclag-1, the mclag-domain connection and the two mclag server connections.
    expect(stageCounts(op, 'PRUNE')).toMatchObject({ deleted: 4 });
    // The webhook added mclag-1 to the switches' groups; nobody owns that member, so applying
    // eslag-2 keeps it, as a real API server would (mutation after managedFields on update).
    const drift = await syncState(lab);
    expect(drift.differences.map((d) => `${d.name} ${d.path} ${String(d.live)}`).sort()).toEqual([
      'ds3000-01 spec.groups[1] mclag-1',
      'ds3000-02 spec.groups[1] mclag-1',
    ]);
  }, 120_000);
});

/**
 * Apply of a generated 10,000-object fabric to the test kube-apiserver (fabric webhooks emulated)
 * next to `kubectl apply --server-side -f DIR` of the same manifests on a fresh server of its own,
 * and a drift check of the 10,000 live objects next to `kubectl diff --server-side` of the same set.
 * Run: npx tsx bench/apply-drift.ts [objects]; writes bench/results/apply-drift.{json,md}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SECRET_SLOTS } from '../src/security/vault.js';
import { Fabric, type Operation } from '../src/store/entities/index.js';
import { generateFabric, shapeFor, writeFabricFiles } from '../test/support/fixtures/index.js';
import { startSyncHarness } from '../test/sync/harness.js';
import { startExternalKube } from './external-kube.js';
import { writeReport, type Row } from './report.js';

const run = promisify(execFile);

const size = Number(process.argv[2] ?? 10_000);
const KUBECTL_TIMEOUT_MS = 30 * 60_000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

const stageMs = (op: Operation, name: string) => {
  const stage = op.stages.find((s) => s.name === name);
  return stage?.startedAt && stage.finishedAt
    ? Date.parse(stage.finishedAt) - Date.parse(stage.startedAt)
    : NaN;
};

function expectSucceeded(op: Operation, what: string): void {
  if (op.status !== 'SUCCEEDED') throw new Error(`${what} ${op.status}: ${op.message ?? ''}`);
}

async function ours(manifests: ReturnType<typeof generateFabric>) {
  const h = await startSyncHarness();
  const kube = await startExternalKube();
  try {
    const fabric = await h.createFabric({ name: 'bench' });
    await h.db.orm.em.fork().nativeUpdate(
      Fabric,
      { id: fabric.id },
      {
        clusterServer: kube.url,
        clusterCa: kube.caPem,
        clusterTokenCiphertext: h.deps.vault.seal(kube.token, SECRET_SLOTS.fabricClusterToken(fabric.id)),
      },
    );
    await h.seedRecords(fabric.id, manifests);
    const apply = await timed(() => h.run(fabric.id, 'APPLY'));
    expectSucceeded(apply.value, 'apply');
    const noop = await timed(() => h.run(fabric.id, 'APPLY'));
    expectSucceeded(noop.value, 'second apply');
    const drift = await timed(() => h.run(fabric.id, 'DRIFT_CHECK'));
    expectSucceeded(drift.value, 'drift check');
    const differences = drift.value.stages.find((s) => s.name === 'COMPARE')?.counts['differences'];
    if (differences !== 0) throw new Error(`drift right after apply found ${differences} differences`);
    return { apply: apply.ms, noop: noop.ms, drift: drift.ms, compare: stageMs(drift.value, 'COMPARE') };
  } finally {
    await h.close();
    await kube.stop();
  }
}

async function kubectl(manifests: ReturnType<typeof generateFabric>) {
  const kube = await startExternalKube();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-manifests-'));
  const cli = (args: string[]) =>
    timed(() =>
      run('kubectl', ['--kubeconfig', kube.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], {
        timeout: KUBECTL_TIMEOUT_MS,
        maxBuffer: 256 * 2 ** 20,
      }).catch((err: { code?: number; stderr?: string }) => {
        // kubectl diff exits 1 when it finds differences; anything else is a failure
        if (args[0] === 'diff' && err.code === 1) return { stdout: '', stderr: '' };
        throw new Error(`kubectl ${args[0]} failed: ${String(err.stderr).slice(0, 500)}`);
      }),
    );
  try {
    await writeFabricFiles(path.join(dir, 'manifests'), manifests, { files: 50 });
    const args = ['--server-side', '--field-manager=bench', '-R', '-f', path.join(dir, 'manifests')];
    const apply = await cli(['apply', ...args]);
    const diff = await cli(['diff', ...args]);
    return { apply: apply.ms, diff: diff.ms };
  } finally {
    await kube.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const manifests = generateFabric(shapeFor(size));
console.log(`fabric of ${manifests.length} objects`);
const mine = await ours(manifests);
console.log('fabric-sync', mine);
const peer = await kubectl(manifests);
console.log('kubectl', peer);

const seconds = (ms: number) => ms / 1000;
const rows: Row[] = [
  {
    metric: `apply ${manifests.length} objects (operation: plan, SSA in waves, prune)`,
    value: seconds(mine.apply),
    unit: 's',
    peer: 'kubectl apply --server-side -f DIR',
    peerValue: seconds(peer.apply),
    target: '≥ 3× faster than kubectl',
    pass: peer.apply / mine.apply >= 3,
  },
  { metric: 'second apply (no object differs: list + plan, no write)', value: seconds(mine.noop), unit: 's' },
  {
    metric: `drift check of ${manifests.length} live objects (operation: list, compare, store report)`,
    value: seconds(mine.drift),
    unit: 's',
    peer: 'kubectl diff --server-side -f DIR',
    peerValue: seconds(peer.diff),
    target: '≤ 1 s',
    pass: mine.drift <= 1000,
  },
  {
    metric: 'drift COMPARE stage alone (normalize, diff, store report and states)',
    value: seconds(mine.compare),
    unit: 's',
  },
];
await writeReport('apply-drift', 'Apply and drift check vs kubectl', rows, {
  objects: String(manifests.length),
});

/**
 * Apply of a generated 10,000-object fabric to the test kube-apiserver (fabric webhooks emulated)
 * next to `kubectl apply --server-side -f DIR` of the same manifests on a fresh server of its own,
 * and a drift check of the 10,000 live objects next to `kubectl diff --server-side` of the same set.
 * Run: DATABASE_URL=postgres://… node --import tsx bench/apply-drift.ts [objects] (without it on the
 * embedded PostgreSQL); writes bench/results/apply-drift.{json,md}.
 * Wall time follows the machine's load; the CPU time of each side (client and API server) does not.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SECRET_SLOTS } from '../src/security/vault.js';
import type { OperationType } from '../src/domain/states.js';
import { Fabric, type Operation } from '../src/store/entities/index.js';
import { generateFabric, shapeFor, writeFabricFiles } from '../test/support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from '../test/sync/harness.js';
import { startExternalKube } from './external-kube.js';
import { writeReport, type Row } from './report.js';

const run = promisify(execFile);

const size = Number(process.argv[2] ?? 10_000);
const KUBECTL_TIMEOUT_MS = 30 * 60_000;
/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** CPU time in ms of `pid` (utime + stime) or, with `children`, of this process's reaped children. */
function procCpuMs(pid: number | 'self', children = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return ((Number(user) + Number(system)) * 1000) / CLOCK_TICKS;
}

/** CPU spent by the client side and by the API server while `work` ran: load-independent figures. */
interface Timed<T> {
  readonly ms: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs: number;
  readonly value: T;
}

async function timed<T>(
  serverPid: number,
  work: () => Promise<T>,
  client: () => number = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
): Promise<Timed<T>> {
  const [start, client0, server0] = [performance.now(), client(), procCpuMs(serverPid)];
  const value = await work();
  return {
    ms: performance.now() - start,
    clientCpuMs: client() - client0,
    serverCpuMs: procCpuMs(serverPid) - server0,
    value,
  };
}

const stageMs = (op: Operation, name: string) => {
  const stage = op.stages.find((s) => s.name === name);
  return stage?.startedAt && stage.finishedAt
    ? Date.parse(stage.finishedAt) - Date.parse(stage.startedAt)
    : NaN;
};

/**
 * The operation service releases a fabric's lock just after publishing the finished event, so an
 * operation started right after the previous one may be told the fabric is still locked: retry.
 */
async function runOperation(h: SyncHarness, fabricId: string, type: OperationType): Promise<Operation> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await h.run(fabricId, type);
    } catch (err) {
      if (attempt >= 50 || !/is locked by another replica .* retry/.test(String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

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
    const apply = await timed(kube.pid, () => runOperation(h, fabric.id, 'APPLY'));
    expectSucceeded(apply.value, 'apply');
    const noop = await timed(kube.pid, () => runOperation(h, fabric.id, 'APPLY'));
    expectSucceeded(noop.value, 'second apply');
    const drift = await timed(kube.pid, () => runOperation(h, fabric.id, 'DRIFT_CHECK'));
    expectSucceeded(drift.value, 'drift check');
    const differences = drift.value.stages.find((s) => s.name === 'COMPARE')?.counts['differences'];
    if (differences !== 0) throw new Error(`drift right after apply found ${differences} differences`);
    return { apply, noop: noop.ms, drift, compare: stageMs(drift.value, 'COMPARE') };
  } finally {
    await h.close();
    await kube.stop();
  }
}

async function kubectl(manifests: ReturnType<typeof generateFabric>) {
  const kube = await startExternalKube();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-manifests-'));
  const cli = (args: string[]) =>
    timed(
      kube.pid,
      () =>
        run('kubectl', ['--kubeconfig', kube.kubeconfig, '--cache-dir', path.join(dir, 'cache'), ...args], {
          timeout: KUBECTL_TIMEOUT_MS,
          maxBuffer: 256 * 2 ** 20,
        }).catch((err: { code?: number; stderr?: string }) => {
          // kubectl diff exits 1 when it finds differences; anything else is a failure
          if (args[0] === 'diff' && err.code === 1) return { stdout: '', stderr: '' };
          throw new Error(`kubectl ${args[0]} failed: ${String(err.stderr).slice(0, 500)}`);
        }),
      () => procCpuMs('self', true), // kubectl, once reaped, is the only child that ends meanwhile
    );
  try {
    await writeFabricFiles(path.join(dir, 'manifests'), manifests, { files: 50 });
    const args = ['--server-side', '--field-manager=bench', '-R', '-f', path.join(dir, 'manifests')];
    const apply = await cli(['apply', ...args]);
    const diff = await cli(['diff', ...args]);
    return { apply, diff };
  } finally {
    await kube.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const manifests = generateFabric(shapeFor(size));
console.log(`fabric of ${manifests.length} objects`);
const mine = await ours(manifests);
const summary = ({ ms, clientCpuMs, serverCpuMs }: Timed<unknown>) =>
  `${ms.toFixed(0)} ms (CPU: client ${clientCpuMs.toFixed(0)} ms, server ${serverCpuMs.toFixed(0)} ms)`;
console.log(`fabric-sync: apply ${summary(mine.apply)}, drift ${summary(mine.drift)}`);
const peer = await kubectl(manifests);
console.log(`kubectl: apply ${summary(peer.apply)}, diff ${summary(peer.diff)}`);

const seconds = (ms: number) => ms / 1000;
const cpu = (t: Timed<unknown>) => seconds(t.clientCpuMs + t.serverCpuMs);
const split = (t: Timed<unknown>, client: string) =>
  `${client} ${seconds(t.clientCpuMs).toFixed(2)} s + API server ${seconds(t.serverCpuMs).toFixed(2)} s`;
const speedUp = peer.apply.ms / mine.apply.ms;
const rows: Row[] = [
  {
    metric: `apply ${manifests.length} objects (operation: plan, SSA in waves, prune)`,
    value: seconds(mine.apply.ms),
    unit: 's',
    peer: 'kubectl apply --server-side -f DIR',
    peerValue: seconds(peer.apply.ms),
    target: '≥ 3× faster than kubectl',
    pass: speedUp >= 3,
    note: `${speedUp.toFixed(1)}× faster`,
  },
  {
    metric: 'apply CPU time',
    value: cpu(mine.apply),
    unit: 's',
    peer: 'kubectl apply CPU time',
    peerValue: cpu(peer.apply),
    note: `${split(mine.apply, 'fabric-sync')}; kubectl: ${split(peer.apply, 'kubectl')}`,
  },
  { metric: 'second apply (no object differs: list + plan, no write)', value: seconds(mine.noop), unit: 's' },
  {
    metric: `drift check of ${manifests.length} live objects (operation: list, compare, store report)`,
    value: seconds(mine.drift.ms),
    unit: 's',
    peer: 'kubectl diff --server-side -f DIR',
    peerValue: seconds(peer.diff.ms),
    target: '≤ 1 s',
    pass: mine.drift.ms <= 1000,
    note: `${split(mine.drift, 'CPU: fabric-sync')}`,
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

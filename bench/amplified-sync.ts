/**
 * The API while a git sync refuses issue 16's amplified commit (one 70 KB blob of 10,000 empty
 * documents under 100 paths: 1,000,000 documents asked of one sync), next to the idle server's
 * /healthz; and a sync of 10 such files (100,000 YAML errors, 1,000 stored). The server runs as
 * deployed (the production bundle with npm start's node flags); /healthz is asked every 10 ms.
 * Run: node --import tsx bench/amplified-sync.ts; writes bench/results/amplified-sync.{json,md}.
 */
import { readFile } from 'node:fs/promises';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../scripts/build.js';
import { healthLatencies, sameBlobIn } from '../test/support/amplified-commit.js';
import { dataOf } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import { createFabricWithRepository, startFabricOperation } from '../test/support/fabric-setup.js';
import { startGitServer } from '../test/support/git-server.js';
import { newIdentity, startServerProcess } from '../test/support/server-process.js';
import { followOperation } from '../test/support/subscriptions.js';
import { bundleServer } from './bundle-role.js';
import { median, percentile, writeReport, type Row } from './report.js';

const DIR = 'fabrics/amplified';
const USER = { username: 'bench', password: 'bench-password-123456' };
const SAMPLES = 500;

const [db, git, bundle] = await Promise.all([
  createTestDatabase(),
  startGitServer({ users: [USER] }),
  bundleServer(),
]);
const identity = newIdentity(db.url);
const server = await startServerProcess(identity, SERVER_ENV, [...SERVER_NODE_FLAGS, bundle.entry]);

/** The server's peak resident memory so far (VmHWM), in MB. */
const peakRssMb = async () =>
  Number((await readFile(`/proc/${server.process.pid}/status`, 'utf8')).match(/VmHWM:\s+(\d+)/)?.[1]) / 1024;

async function fabricReading(name: string, copies: number): Promise<string> {
  const repo = await git.createRepo(name, sameBlobIn(DIR, copies));
  const auth = { kind: 'BASIC', username: USER.username, secret: USER.password };
  return (await createFabricWithRepository(server, { name, url: repo.httpUrl, directory: DIR, auth }))
    .fabricId;
}

/** One sync to its end, /healthz asked meanwhile; the operation as stored. */
async function syncSampled(fabricId: string) {
  const start = performance.now();
  const id = await startFabricOperation(server, 'syncFabric', fabricId);
  const samples = await healthLatencies(server.url, followOperation(server.url, identity.adminToken, id));
  const ms = performance.now() - start;
  const { operation } = dataOf(
    await server.gql<{
      operation: { status: string; errorCount: number; errors: { code: string | null }[] };
    }>(`query($id: ID!) { operation(id: $id) { status errorCount errors { code } } }`, { id }),
  );
  return { samples, ms, operation };
}

const describe = (samples: readonly number[]) =>
  `${samples.length} samples, p50 ${median(samples).toFixed(1)} ms, max ${Math.max(...samples).toFixed(0)} ms`;

try {
  const idle = await healthLatencies(server.url, new Promise((resolve) => setTimeout(resolve, SAMPLES * 11)));
  const idleP99 = percentile(idle, 0.99);

  const amplified = await fabricReading('amplified', 100);
  const during: number[] = [];
  const syncMs: number[] = [];
  let refused = true;
  while (during.length < SAMPLES) {
    const { samples, ms, operation } = await syncSampled(amplified);
    refused &&= operation.status === 'FAILED' && operation.errors[0]?.code === 'SYNC_TOO_LARGE';
    during.push(...samples);
    syncMs.push(ms);
  }
  const duringP99 = percentile(during, 0.99);

  const ten = await syncSampled(await fabricReading('amplified-ten', 10));
  const rows: Row[] = [
    { metric: `/healthz p99, idle server (${describe(idle)})`, value: idleP99, unit: 'ms' },
    {
      metric: `API p99 during a refused amplified sync: /healthz while 100 paths × 10,000 documents of one blob are refused (${describe(during)}, over ${syncMs.length} syncs)`,
      value: duringP99,
      unit: 'ms',
      peer: 'idle /healthz p99',
      peerValue: idleP99,
      target: '< 100 ms, sync FAILED with SYNC_TOO_LARGE',
      pass: duringP99 < 100 && refused,
    },
    { metric: 'refused amplified sync, start → FAILED, median', value: median(syncMs), unit: 'ms' },
    {
      metric: `sync of 10 such files, start → FAILED with ${ten.operation.errorCount} YAML errors, ${ten.operation.errors.length} stored (/healthz: ${describe(ten.samples)}, p99 ${percentile(ten.samples, 0.99).toFixed(1)} ms)`,
      value: ten.ms,
      unit: 'ms',
    },
    { metric: 'peak RSS of the server process (VmHWM)', value: await peakRssMb(), unit: 'MB' },
  ];
  await writeReport('amplified-sync', 'API during a refused amplified git sync (issue 16)', rows, {
    server: 'production bundle, npm start node flags',
  });
} finally {
  await server.stop();
  await Promise.all([git.close(), db.close(), bundle.remove()]);
}

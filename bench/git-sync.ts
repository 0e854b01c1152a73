/**
 * Git sync of a generated 10,000-object fabric in ~50 files, served over HTTP with basic auth:
 * cold sync, no-op sync, and a sync after one file changed, each next to its floor measured in the
 * same run (git clone --depth 1 + parsing the same files with `yaml` + one insertMany of the rows).
 * Run: node --import tsx bench/git-sync.ts [objects]; writes bench/results/git-sync.{json,md}.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { ResourceRecord } from '../src/store/entities/index.js';
import { dataOf, startTestApp, type TestApp } from '../test/support/app.js';
import { startGitServer } from '../test/support/git-server.js';
import { fabricFiles, generateFabric, shapeFor } from '../test/support/fixtures/index.js';
import { writeReport, type Row } from './report.js';

const run = promisify(execFile);
const size = Number(process.argv[2] ?? 10_000);
const USER = { username: 'bench', password: 'bench-password-123456' };

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

interface SyncResult {
  readonly status: string;
  readonly counts: Record<string, number>;
  /** Milliseconds per stage, from the operation's own timestamps: where the time went. */
  readonly stages: Record<string, number>;
}

interface StageView {
  name: string;
  startedAt: string | null;
  finishedAt: string | null;
  counts: { name: string; value: number }[];
}

async function syncAndWait(t: TestApp, fabricId: string): Promise<SyncResult> {
  const { syncFabric } = dataOf(
    await t.gql<{ syncFabric: { id: string } }>(`mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`, {
      f: fabricId,
    }),
  );
  for (;;) {
    const { operation } = dataOf(
      await t.gql<{ operation: { status: string; stages: StageView[] } }>(
        `query($id: ID!) { operation(id: $id) { status stages { name startedAt finishedAt counts { name value } } } }`,
        { id: syncFabric.id },
      ),
    );
    if (!['RUNNING', 'QUEUED'].includes(operation.status)) {
      const persist = operation.stages.find((s) => s.name === 'PERSIST');
      const timed = operation.stages.filter((s) => s.startedAt && s.finishedAt);
      return {
        status: operation.status,
        counts: Object.fromEntries(persist?.counts.map((c) => [c.name, c.value]) ?? []),
        stages: Object.fromEntries(
          timed.map((s) => [s.name, Date.parse(s.finishedAt!) - Date.parse(s.startedAt!)]),
        ),
      };
    }
    // Polls every 5 ms: well under the 50 ms no-op target, so polling does not hide the sync's own time.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function floor(
  repoUrl: string,
  t: TestApp,
  fabricId: string,
): Promise<{ clone: number; parse: number; insert: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-clone-'));
  try {
    const authUrl = repoUrl.replace('://', `://${USER.username}:${USER.password}@`);
    const clone = await timed(() => run('git', ['clone', '--quiet', '--depth', '1', authUrl, dir]));
    const files = (await readdir(path.join(dir, 'fabrics/bench'))).filter((f) => f.endsWith('.yaml'));
    const parse = await timed(async () => {
      const docs: Record<string, unknown>[] = [];
      for (const f of files)
        for (const d of parseAllDocuments(await readFile(path.join(dir, 'fabrics/bench', f), 'utf8')))
          docs.push(d.toJS());
      return docs;
    });
    const em = t.db.orm.em.fork();
    const now = new Date();
    const rows = parse.value.map((doc) => {
      const m = doc as {
        kind: string;
        metadata: { name: string; labels?: object; annotations?: object };
        spec?: object;
      };
      return {
        id: randomUUID(),
        fabric: fabricId,
        kind: m.kind,
        namespace: 'default',
        name: m.metadata.name,
        labels: m.metadata.labels ?? {},
        annotations: m.metadata.annotations ?? {},
        spec: m.spec ?? {},
        canonicalHash: 'x',
        state: 'PENDING' as const,
        createdAt: now,
        updatedAt: now,
      };
    });
    const insert = await timed(() => em.insertMany(ResourceRecord, rows as never[]));
    return { clone: clone.ms, parse: parse.ms, insert: insert.ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const manifests = generateFabric(shapeFor(size));
const files = fabricFiles(manifests, { files: 50, dir: 'fabrics/bench' });
const git = await startGitServer({ users: [USER] });
const t = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
try {
  const repo = await git.createRepo('bench', files);
  const createFabric = async (name: string) => {
    const { createRepository } = dataOf(
      await t.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        {
          i: {
            name: `${name}-repo`,
            url: repo.httpUrl,
            auth: { kind: 'BASIC', username: USER.username, secret: USER.password },
          },
        },
      ),
    );
    return dataOf(
      await t.gql<{ createFabric: { id: string } }>(
        `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
        {
          i: { name, repositoryId: createRepository.id, directory: 'fabrics/bench' },
        },
      ),
    ).createFabric.id;
  };
  const fabricId = await createFabric('bench');
  const rssBefore = process.memoryUsage().rss;
  const cold = await timed(() => syncAndWait(t, fabricId));
  if (cold.value.status !== 'SUCCEEDED') throw new Error(`cold sync ${cold.value.status}`);
  const noop = await timed(() => syncAndWait(t, fabricId));
  const [changedFile] = Object.keys(files).filter((f) => f.includes('-vpc-'));
  await repo.push(
    { [changedFile!]: files[changedFile!]!.replace(/gateway: "(\d+\.\d+\.\d+)\.1"/, 'gateway: "$1.9"') },
    'one file changed',
  );
  const oneFile = await timed(() => syncAndWait(t, fabricId));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // The floor: the same repository, the same files, the same rows, without fabric-sync around them.
  const floorFabric = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation { createFabric(input: { name: "floor" }) { id } }`,
    ),
  ).createFabric.id;
  const floorDbId = Buffer.from(floorFabric, 'base64url').toString().split(':')[1]!;
  const f = await floor(repo.httpUrl, t, floorDbId);
  const floorMs = f.clone + f.parse + f.insert;

  const rows: Row[] = [
    {
      metric: `cold sync, ${manifests.length} objects in ${Object.keys(files).length} files`,
      value: cold.ms,
      unit: 'ms',
      peer: 'floor: clone + parse + insertMany',
      peerValue: floorMs,
      target: 'value ≤ 2× floor',
      pass: cold.ms <= 2 * floorMs,
      note: `stage ms ${JSON.stringify(cold.value.stages)}`,
    },
    {
      metric: 'no-op sync (directory unchanged)',
      value: noop.ms,
      unit: 'ms',
      target: '≤ 50 ms',
      pass: noop.ms <= 50,
      note: `stage ms ${JSON.stringify(noop.value.stages)}`,
    },
    {
      metric: `sync after one file changed (${JSON.stringify(oneFile.value.counts)})`,
      value: oneFile.ms,
      unit: 'ms',
      target: '≤ 250 ms',
      pass: oneFile.ms <= 250,
      note: `stage ms ${JSON.stringify(oneFile.value.stages)}`,
    },
    { metric: 'floor part: git clone --depth 1', value: f.clone, unit: 'ms' },
    { metric: 'floor part: parse with yaml', value: f.parse, unit: 'ms' },
    { metric: 'floor part: one insertMany', value: f.insert, unit: 'ms' },
    {
      metric: 'peak RSS of the process (server + bench)',
      value: peakRssMb,
      unit: 'MB',
      note: `RSS before the cold sync ${(rssBefore / 1048576).toFixed(0)} MB`,
    },
  ];
  await writeReport('git-sync', 'Git sync (issue 4)', rows, {
    database: process.env['DATABASE_URL'] ? 'PostgreSQL server (DATABASE_URL)' : 'embedded PGlite',
  });
} finally {
  await t.close();
  await git.close();
}

/**
 * Git sync of a generated 10,000-object fabric in ~50 files, served over HTTP with basic auth:
 * cold sync, no-op sync, and a sync after one file changed, each next to its floor measured in the
 * same run: git clone --depth 1 + parsing the same files with `yaml` + one insertMany of the rows
 * (cold, measured before and after it); `git ls-remote` and one bare HTTP GET of info/refs (no-op); `git fetch --depth 1` of the
 * new commit + parsing the changed file (one file changed).
 * Run: node --import tsx bench/git-sync.ts [objects]; writes bench/results/git-sync.{json,md}.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { FROM_OLDEST } from '../src/events/index.js';
import { isTerminal } from '../src/domain/states.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ResourceRecord } from '../src/store/entities/index.js';
import { createOrm } from '../src/store/orm.js';
import { dataOf, startTestApp, type TestApp } from '../test/support/app.js';
import { startGitServer } from '../test/support/git-server.js';
import { fabricFiles, generateFabric, shapeFor } from '../test/support/fixtures/index.js';
import { median, writeReport, type Row } from './report.js';

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

/**
 * Starts a sync through GraphQL and waits for the operation's terminal event on the app's event
 * bus (no polling: a request every few ms would compete with the sync for the two cores). The
 * stages are read once, afterwards.
 */
/** Returns the operation's global id. */
async function syncAndWait(t: TestApp, fabricId: string): Promise<string> {
  const { syncFabric } = dataOf(
    await t.gql<{ syncFabric: { id: string } }>(`mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`, {
      f: fabricId,
    }),
  );
  const operationId = Buffer.from(syncFabric.id, 'base64url').toString().split(':')[1]!;
  const progress = t.app.services.events.subscribe('operationProgress', operationId, { after: FROM_OLDEST });
  try {
    for await (const { payload } of progress) if (isTerminal(payload.status)) break;
  } finally {
    await progress.return();
  }
  return syncFabric.id;
}

async function describeSync(t: TestApp, id: string): Promise<SyncResult> {
  const { operation } = dataOf(
    await t.gql<{ operation: { status: string; stages: StageView[] } }>(
      `query($id: ID!) { operation(id: $id) { status stages { name startedAt finishedAt counts { name value } } } }`,
      { id },
    ),
  );
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

/** A timed sync, described after the clock stopped. */
async function timedSync(t: TestApp, fabricId: string): Promise<{ ms: number; value: SyncResult }> {
  const { ms, value: id } = await timed(() => syncAndWait(t, fabricId));
  return { ms, value: await describeSync(t, id) };
}

interface Floor {
  readonly clone: number;
  readonly parse: number;
  readonly insert: number;
}

async function floor(repoUrl: string, orm: MikroORM, fabricId: string): Promise<Floor> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-clone-'));
  try {
    const authUrl = repoUrl.replace('://', `://${USER.username}:${USER.password}@`);
    const clone = await timed(() => run('git', ['clone', '--quiet', '--depth', '1', authUrl, dir]));
    const files = (await readdir(path.join(dir, 'fabrics/bench'))).filter((f) => f.endsWith('.yaml'));
    const parseAll = async () => {
      const docs: Record<string, unknown>[] = [];
      for (const f of files)
        for (const d of parseAllDocuments(await readFile(path.join(dir, 'fabrics/bench', f), 'utf8')))
          docs.push(d.toJS());
      return docs;
    };
    // Warmed up first, untimed: the floor is not charged a fresh process's compile time.
    await parseAll();
    const parse = await timed(parseAll);
    const em = orm.em.fork();
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
    await em.count(ResourceRecord, { fabric: fabricId });
    const insert = await timed(() => em.insertMany(ResourceRecord, rows as never[]));
    return { clone: clone.ms, parse: parse.ms, insert: insert.ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The floor runs in a child process (this file, with FLOOR): its parse of every document must
 * count neither in the server's peak RSS nor against the syncs' heap.
 */
const FLOOR = '--floor';
if (process.argv[2] === FLOOR) {
  const [databaseUrl = '', repoUrl = '', fabricId = ''] = process.argv.slice(3);
  const orm = await createOrm({ clientUrl: databaseUrl, poolSize: 2 });
  try {
    process.stdout.write(JSON.stringify(await floor(repoUrl, orm, fabricId)));
  } finally {
    await orm.close(true);
  }
  process.exit(0);
}

const manifests = generateFabric(shapeFor(size));
const files = fabricFiles(manifests, { files: 50, dir: 'fabrics/bench' });
const loadBefore = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
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
  // The floor: the same repository, the same files, the same rows, without fabric-sync around
  // them; measured right before and right after the cold sync, as the machine's load drifts.
  const measureFloor = async (name: string) => {
    const floorFabric = dataOf(
      await t.gql<{ createFabric: { id: string } }>(
        `mutation($n: String!) { createFabric(input: { name: $n }) { id } }`,
        {
          n: name,
        },
      ),
    ).createFabric.id;
    const fabricDbId = Buffer.from(floorFabric, 'base64url').toString().split(':')[1]!;
    const args = [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      FLOOR,
      t.db.url,
      repo.httpUrl,
      fabricDbId,
    ];
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Floor;
  };
  const rssBefore = process.memoryUsage().rss;
  const floorBefore = await measureFloor('floor-before');
  const cold = await timedSync(t, fabricId);
  if (cold.value.status !== 'SUCCEEDED') throw new Error(`cold sync ${cold.value.status}`);
  const floorAfter = await measureFloor('floor-after');
  const floorOf = (part: 'clone' | 'parse' | 'insert') => (floorBefore[part] + floorAfter[part]) / 2;
  const f = { clone: floorOf('clone'), parse: floorOf('parse'), insert: floorOf('insert') };
  const floorMs = f.clone + f.parse + f.insert;
  const total = (x: typeof floorBefore) => (x.clone + x.parse + x.insert).toFixed(0);
  const authUrl = repo.httpUrl.replace('://', `://${USER.username}:${USER.password}@`);

  // No-op: the same sync five times, each next to what asking the server for the tip costs.
  const noops: { ms: number; value: SyncResult }[] = [];
  const lsRemote: number[] = [];
  const infoRefs: number[] = [];
  const authorization = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
  for (let i = 0; i < 5; i++) {
    noops.push(await timedSync(t, fabricId));
    lsRemote.push((await timed(() => run('git', ['ls-remote', authUrl, 'refs/heads/main']))).ms);
    infoRefs.push(
      (
        await timed(async () => {
          const response = await fetch(`${repo.httpUrl}/info/refs?service=git-upload-pack`, {
            headers: { authorization },
          });
          return response.arrayBuffer();
        })
      ).ms,
    );
  }
  if (noops.some((n) => n.value.status !== 'SUCCEEDED')) throw new Error('a no-op sync failed');

  // One file changed, three times (a different VPC gateway each time), each next to the fetch of
  // the same commit into a clone and the parse of the changed file: the part no sync can skip.
  const mirror = await mkdtemp(path.join(tmpdir(), 'bench-fetch-'));
  await run('git', ['clone', '--quiet', '--depth', '1', authUrl, mirror]);
  const vpcFiles = Object.keys(files).filter((f) => f.includes('-vpc-'));
  const oneFile: { ms: number; value: SyncResult }[] = [];
  const fetchFloor: number[] = [];
  const parseFloor: number[] = [];
  for (let i = 0; i < 3; i++) {
    const changedFile = vpcFiles[i % vpcFiles.length]!;
    const content = files[changedFile]!.replace(/gateway: "(\d+\.\d+\.\d+)\.1"/, `gateway: "$1.${9 + i}"`);
    await repo.push({ [changedFile]: content }, `one file changed (${i + 1})`);
    oneFile.push(await timedSync(t, fabricId));
    fetchFloor.push(
      (await timed(() => run('git', ['fetch', '--quiet', '--depth', '1', 'origin', 'main'], { cwd: mirror })))
        .ms,
    );
    parseFloor.push((await timed(async () => parseAllDocuments(content).map((d) => d.toJS()))).ms);
  }
  await rm(mirror, { recursive: true, force: true });
  if (oneFile.some((o) => o.value.status !== 'SUCCEEDED')) throw new Error('a one-file sync failed');
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const noop = median(noops.map((n) => n.ms));
  const noopStages = noops.find((n) => n.ms === noop)!.value.stages;
  const one = median(oneFile.map((o) => o.ms));
  const oneRun = oneFile.find((o) => o.ms === one)!.value;
  const all = (values: readonly number[]) => values.map((v) => v.toFixed(0)).join(', ');

  const rows: Row[] = [
    {
      metric: `cold sync, ${manifests.length} objects in ${Object.keys(files).length} files`,
      value: cold.ms,
      unit: 'ms',
      peer: 'floor: clone + parse + insertMany, mean of before and after',
      peerValue: floorMs,
      target: 'value ≤ 2× floor',
      pass: cold.ms <= 2 * floorMs,
      note: `stage ms ${JSON.stringify(cold.value.stages)}; floor ms before ${total(floorBefore)}, after ${total(floorAfter)}`,
    },
    {
      metric: 'no-op sync (directory unchanged), median of 5',
      value: noop,
      unit: 'ms',
      peer: 'floor: git ls-remote, median',
      peerValue: median(lsRemote),
      target: '≤ 50 ms',
      pass: noop <= 50,
      note: `stage ms of the median run ${JSON.stringify(noopStages)}; all runs ms ${all(noops.map((n) => n.ms))}`,
    },
    {
      metric: 'floor part: one HTTP GET of info/refs (what the no-op sync asks), median of 5',
      value: median(infoRefs),
      unit: 'ms',
      note: `all ms ${all(infoRefs)}; git ls-remote all ms ${all(lsRemote)}`,
    },
    {
      metric: `sync after one file changed (${JSON.stringify(oneRun.counts)}), median of 3`,
      value: one,
      unit: 'ms',
      peer: 'floor: git fetch --depth 1 + parse the file, median',
      peerValue: median(fetchFloor) + median(parseFloor),
      target: '≤ 250 ms',
      pass: one <= 250,
      note: `stage ms of the median run ${JSON.stringify(oneRun.stages)}; all runs ms ${all(oneFile.map((o) => o.ms))}`,
    },
    {
      metric: 'floor part: git fetch --depth 1 of the new commit, median of 3',
      value: median(fetchFloor),
      unit: 'ms',
      note: `all ms ${all(fetchFloor)}`,
    },
    {
      metric: 'floor part: parse the changed file with yaml, median of 3',
      value: median(parseFloor),
      unit: 'ms',
    },
    { metric: 'floor part: git clone --depth 1, mean', value: f.clone, unit: 'ms' },
    { metric: 'floor part: parse with yaml, mean', value: f.parse, unit: 'ms' },
    { metric: 'floor part: one insertMany, mean', value: f.insert, unit: 'ms' },
    {
      metric: 'peak RSS of the process (server + bench; the floors run in a child process)',
      value: peakRssMb,
      unit: 'MB',
      note: `RSS before the cold sync ${(rssBefore / 1048576).toFixed(0)} MB`,
    },
  ];
  await writeReport('git-sync', 'Git sync (issue 4)', rows, {
    'load before the run': loadBefore,
  });
} finally {
  await t.close();
  await git.close();
}

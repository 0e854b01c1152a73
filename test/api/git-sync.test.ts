/**
 * The git sync pipeline end to end: real repositories over HTTP with basic auth (git http-backend),
 * GraphQL mutations, progress over graphql-ws, and the records the database ends up with.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import { cachePathFor } from '../../src/git/repo-git.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createFabricWithRepository, startFabricOperation } from '../support/fabric-setup.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { collect, followOperation, wsClient } from '../support/subscriptions.js';

const SAMPLES = path.resolve(process.cwd(), '../shared/hedgehog/samples');
const USER = { username: 'sync-bot', password: 'correct-horse-battery-staple' };
/** Series that name fabrics need it (src/api/metrics-endpoint.ts). */
const METRICS_TOKEN = `metrics-${'m'.repeat(32)}`;
const scrapeMetrics = async () =>
  (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

let t: TestApp;
let git: GitServer;
beforeAll(async () => {
  [t, git] = await Promise.all([
    startTestApp({ env: { FABRIC_SYNC_METRICS_TOKEN: METRICS_TOKEN } }),
    startGitServer({ users: [USER] }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

interface OperationView {
  id: string;
  type: string;
  trigger: string;
  status: string;
  message: string | null;
  stages: { name: string; status: string; counts: { name: string; value: number }[] }[];
  errors: {
    file: string | null;
    line: number | null;
    kind: string | null;
    name: string | null;
    message: string;
  }[];
}

const OPERATION_FIELDS =
  'id type trigger status message stages { name status counts { name value } } errors { file line kind name message }';

const setUpFabric = (
  name: string,
  repo: TestRepo,
  directory: string,
  auth = { kind: 'BASIC', ...{ username: USER.username, secret: USER.password } },
) =>
  createFabricWithRepository(t, {
    name,
    url: repo.httpUrl,
    defaultBranch: repo.defaultBranch,
    directory,
    auth,
  });

/** Starts a sync and follows it over graphql-ws to its final status. */
async function sync(fabricId: string): Promise<{
  op: OperationView;
  progress: { status: string; stage: { name: string; status: string } | null }[];
}> {
  const operationId = await startFabricOperation(t, 'syncFabric', fabricId);
  const client = wsClient(t.url, t.adminToken);
  type Event = { operationProgress: { status: string; stage: { name: string; status: string } | null } };
  const { done } = collect<Event>(
    client,
    `subscription($id: ID!) { operationProgress(operationId: $id) { status stage { name status } } }`,
    { id: operationId },
    (e) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(e.operationProgress.status),
  );
  const events = await done;
  await client.dispose();
  const { operation } = dataOf(
    await t.gql<{ operation: OperationView }>(
      `query($id: ID!) { operation(id: $id) { ${OPERATION_FIELDS} } }`,
      { id: operationId },
    ),
  );
  return { op: operation, progress: events.map((e) => e.operationProgress) };
}

const counts = (op: OperationView, stage: string) =>
  Object.fromEntries(op.stages.find((s) => s.name === stage)?.counts.map((c) => [c.name, c.value]) ?? []);

async function recordCounts(fabricId: string): Promise<Record<string, number>> {
  const { fabric } = dataOf(
    await t.gql<{ fabric: { recordCounts: { kind: string; count: number }[] } }>(
      `query($id: ID!) { fabric(id: $id) { recordCounts { kind count } } }`,
      { id: fabricId },
    ),
  );
  return Object.fromEntries(fabric.recordCounts.filter((c) => c.count > 0).map((c) => [c.kind, c.count]));
}

describe('a generated fabric', () => {
  const manifests = generateFabric({ seed: 7 });
  const files = fabricFiles(manifests, { files: 8, dir: 'fabrics/east' });
  let repo: TestRepo;
  let fabricId: string;

  beforeAll(async () => {
    repo = await git.createRepo('generated', { ...files, 'fabrics/east/nested/README.md': 'not yaml' });
    ({ fabricId } = await setUpFabric('east', repo, '/fabrics/east/'));
  });

  it('lands every object as a record, publishing each stage before the next starts', async () => {
    const { op, progress } = await sync(fabricId);
    expect(op.status, JSON.stringify(op)).toBe('SUCCEEDED');
    expect(op).toMatchObject({ type: 'GIT_SYNC', trigger: 'MANUAL' });
    expect(counts(op, 'PERSIST')).toMatchObject({ created: manifests.length, updated: 0, deleted: 0 });
    const expected: Record<string, number> = {};
    for (const m of manifests) expected[m.kind] = (expected[m.kind] ?? 0) + 1;
    expect(await recordCounts(fabricId)).toEqual(expected);
    const transitions = progress.filter((p) => p.stage).map((p) => `${p.stage!.name}:${p.stage!.status}`);
    expect(transitions).toEqual([
      'FETCH:RUNNING',
      'FETCH:SUCCEEDED',
      'PARSE:RUNNING',
      'PARSE:SUCCEEDED',
      'VALIDATE:RUNNING',
      'VALIDATE:SUCCEEDED',
      'PERSIST:RUNNING',
      'PERSIST:SUCCEEDED',
    ]);
  });

  it('finishes as a no-op when the directory did not change, even if the repository did', async () => {
    await repo.push({ 'other/unrelated.yaml': 'x: 1\n' }, 'unrelated change');
    const { op } = await sync(fabricId);
    expect(op.status, JSON.stringify(op)).toBe('SUCCEEDED');
    expect(op.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'SKIPPED', 'SKIPPED', 'SKIPPED']);
  });

  it('keeps the previous state and lists every error when a commit is invalid', async () => {
    const before = await recordCounts(fabricId);
    const bad = [
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: this-name-is-too-long\nspec: {}\n',
      '---\napiVersion: wiring.githedgehog.com/v1beta1\nkind: Nonsense\nmetadata:\n  name: x\n',
    ].join('');
    await repo.push({ 'fabrics/east/zz-bad.yaml': bad }, 'break it');
    const { op } = await sync(fabricId);
    expect(op.status).toBe('FAILED');
    expect(op.errors.length).toBeGreaterThanOrEqual(2);
    expect(op.errors.every((e) => e.file === 'fabrics/east/zz-bad.yaml' && typeof e.line === 'number')).toBe(
      true,
    );
    expect(op.errors.map((e) => e.line)).toEqual(expect.arrayContaining([1, 7]));
    expect(await recordCounts(fabricId)).toEqual(before);
    await repo.push({ 'fabrics/east/zz-bad.yaml': null }, 'fix it');
  });

  it('deletes records whose objects left Git and updates changed ones, in one sync', async () => {
    // Peerings are leaves of the reference graph: removing their file leaves everything else valid.
    const peeringFile = Object.keys(files).find((f) => f.includes('vpcpeering'))!;
    const vpcFile = Object.keys(files).find((f) => f.includes('-vpc-'))!;
    const peerings = manifests.filter((m) => m.kind === 'VPCPeering').length;
    const bumped = files[vpcFile]!.replace(/gateway: "(\d+\.\d+\.\d+)\.1"/, 'gateway: "$1.9"');
    expect(bumped).not.toBe(files[vpcFile]);
    await repo.push({ [peeringFile]: null, [vpcFile]: bumped }, 'drop peerings, move a gateway');
    const { op } = await sync(fabricId);
    expect(op.status, JSON.stringify(op)).toBe('SUCCEEDED');
    expect(counts(op, 'PERSIST')).toMatchObject({ created: 0, deleted: peerings, updated: 1 });
    expect((await recordCounts(fabricId))['VPCPeering']).toBeUndefined();
  });
});

describe('metrics', () => {
  it('count records per fabric and kind and time every stage', async () => {
    const text = await scrapeMetrics();
    expect(text).toMatch(/fabric_sync_records\{fabric="east",kind="Switch"\} [1-9]/);
    expect(text).toMatch(
      /fabric_sync_stage_duration_seconds_count\{type="GIT_SYNC",stage="PERSIST",status="SUCCEEDED"\} [1-9]/,
    );
    expect(text).toMatch(/fabric_sync_operations_total\{type="GIT_SYNC",status="FAILED"\} [1-9]/);
    expect(text).toMatch(/fabric_sync_db_pool_connections\{state="free"\}/);
    expect(text).toMatch(
      /fabric_sync_git_remote_duration_seconds_count\{command="fetch",outcome="ok"\} [1-9]/,
    );
  });
});

describe('a fabric’s operations', () => {
  interface OpsPage {
    totalCount: number;
    edges: { cursor: string; node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }
  const PAGE = 'totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }';

  it('are announced on fabricStatus when they start, whoever starts them', async () => {
    const { fabric } = dataOf(
      await t.gql<{ fabric: { id: string; lastOperation: { id: string } | null } }>(
        `{ fabric(name: "east") { id lastOperation { id } } }`,
      ),
    );
    const previous = fabric.lastOperation?.id;
    const client = wsClient(t.url, t.adminToken);
    type Event = { fabricStatus: { lastOperation: { id: string; status: string } | null } };
    const open = t.app.services.events.subscriptionCount();
    // The event may come before the mutation's answer: wait for any newer operation, compare after.
    const { done } = collect<Event>(
      client,
      `subscription($f: ID!) { fabricStatus(fabricId: $f) { lastOperation { id status } } }`,
      { f: fabric.id },
      (e) => (e.fabricStatus.lastOperation?.id ?? previous) !== previous,
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBeGreaterThan(open));
    // Another client starts it: the subscriber only knows the fabric.
    const started = await startFabricOperation(t, 'syncFabric', fabric.id);
    const events = await done;
    await client.dispose();
    expect(events.at(-1)?.fabricStatus.lastOperation?.id).toBe(started);
    await followOperation(t.url, t.adminToken, started);
  });

  it('pages newest first with the same cursors as the root operations list', async () => {
    const { fabric } = dataOf(
      await t.gql<{ fabric: { id: string; operations: OpsPage } }>(
        `{ fabric(name: "east") { id operations(first: 2) { ${PAGE} } } }`,
      ),
    );
    const root = async (after: string | null) =>
      dataOf(
        await t.gql<{ operations: OpsPage }>(
          `query($f: ID!, $a: String) { operations(fabricId: $f, first: 2, after: $a) { ${PAGE} } }`,
          { f: fabric.id, a: after },
        ),
      ).operations;
    const nested = async (after: string | null) =>
      dataOf(
        await t.gql<{ fabric: { operations: OpsPage } }>(
          `query($a: String) { fabric(name: "east") { operations(first: 2, after: $a) { ${PAGE} } } }`,
          { a: after },
        ),
      ).fabric.operations;
    expect(fabric.operations.totalCount).toBeGreaterThanOrEqual(3);
    expect(fabric.operations).toEqual(await root(null));
    const second = await nested(fabric.operations.pageInfo.endCursor);
    expect(second).toEqual(await root(fabric.operations.pageInfo.endCursor));
    const ids = [...fabric.operations.edges, ...second.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('deleting a repository', () => {
  it('removes its Git cache from the data directory', async () => {
    const repo = await git.createRepo('short-lived', { 'a.yaml': '' });
    const { fabricId, repositoryId } = await setUpFabric('short-lived', repo, '');
    expect((await sync(fabricId)).op.status).toBe('SUCCEEDED');
    const cache = cachePathFor(
      path.join(t.dataDir, 'git'),
      fromGlobalId(repositoryId, 'GitRepository', 'id'),
    );
    expect(existsSync(cache)).toBe(true);
    dataOf(await t.gql(`mutation($id: ID!) { deleteFabric(id: $id) }`, { id: fabricId }));
    dataOf(await t.gql(`mutation($id: ID!) { deleteRepository(id: $id) }`, { id: repositoryId }));
    expect(existsSync(cache)).toBe(false);
  });
});

describe('credentials', () => {
  it('reports AUTH_FAILED for a wrong password, and the password appears nowhere', async () => {
    const repo = await git.createRepo('locked', { 'a.yaml': '' });
    const wrong = 'wrong-password-0f9e8d7c';
    const { repositoryId } = await setUpFabric('locked', repo, '', {
      kind: 'BASIC',
      username: USER.username,
      secret: wrong,
    });
    const result = dataOf(
      await t.gql<{ testRepositoryConnection: { connectionStatus: string; connectionMessage: string } }>(
        `mutation($id: ID!) { testRepositoryConnection(id: $id) { connectionStatus connectionMessage } }`,
        { id: repositoryId },
      ),
    );
    expect(result.testRepositoryConnection.connectionStatus).toBe('AUTH_FAILED');
    const header = Buffer.from(`${USER.username}:${wrong}`).toString('base64');
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(JSON.stringify(result)).not.toContain(header);
    expect(t.logs.join('\n')).not.toContain(wrong);
    expect(t.logs.join('\n')).not.toContain(header);
    const metrics = await scrapeMetrics();
    expect(metrics).toMatch(
      /fabric_sync_git_remote_duration_seconds_count\{command="ls-remote",outcome="AUTH_FAILED"\} [1-9]/,
    );
    expect(metrics).not.toContain(wrong);
    expect(metrics).not.toContain(header);
  });

  it('reports CONNECTED with the right password', async () => {
    const repo = await git.createRepo('open-sesame', { 'a.yaml': '' });
    const { repositoryId } = await setUpFabric('open-sesame', repo, '');
    const result = dataOf(
      await t.gql<{ testRepositoryConnection: { connectionStatus: string } }>(
        `mutation($id: ID!) { testRepositoryConnection(id: $id) { connectionStatus } }`,
        { id: repositoryId },
      ),
    );
    expect(result.testRepositoryConnection.connectionStatus).toBe('CONNECTED');
  });
});

describe.skipIf(!existsSync(SAMPLES))('the lab-ci wiring samples', () => {
  const sample = (name: string) => readFileSync(path.join(SAMPLES, name), 'utf8');
  const OLD = 'lab-ci_env-ci-1_wiring.251b76f.yaml';
  const NEW = 'lab-ci_env-ci-1_wiring.95ca77d.yaml';
  it('admits the static ExternalAttachment unmodified, as the cluster does (its webhook writes switch: {} and neighbor: {})', async () => {
    // The file omits spec.switch and spec.neighbor, which the CRD requires; a real API server runs the
    // mutating webhook first, whose Go types serialise both as {}, so the object is admitted.
    const repo = await git.createRepo('lab-raw', { 'wiring.yaml': sample(OLD) });
    const { fabricId } = await setUpFabric('lab-raw', repo, '');
    const { op } = await sync(fabricId);
    expect(op.status, JSON.stringify(op.errors)).toBe('SUCCEEDED');
    expect(op.errors).toEqual([]);
    const counts = await recordCounts(fabricId);
    expect(counts['ExternalAttachment']).toBeGreaterThan(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(52);
  });

  it('applies the second revision as exact creates, updates and deletes', async () => {
    const oldDocs = new Map(
      parseAllDocuments(sample(OLD))
        .map((d) => d.toJS())
        .map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]),
    );
    const newDocs = new Map(
      parseAllDocuments(sample(NEW))
        .map((d) => d.toJS())
        .map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]),
    );
    const created = [...newDocs.keys()].filter((k) => !oldDocs.has(k)).length;
    const deleted = [...oldDocs.keys()].filter((k) => !newDocs.has(k)).length;
    const updated = [...newDocs.keys()].filter(
      (k) => oldDocs.has(k) && oldDocs.get(k) !== newDocs.get(k),
    ).length;

    const repo = await git.createRepo('lab', { 'wiring.yaml': sample(OLD) });
    const { fabricId } = await setUpFabric('lab', repo, '');
    const first = await sync(fabricId);
    expect(first.op.status, JSON.stringify(first.op)).toBe('SUCCEEDED');
    expect(counts(first.op, 'PERSIST')).toMatchObject({ created: 52 });

    await repo.push({ 'wiring.yaml': sample(NEW) }, 'lab-ci 95ca77d');
    const second = await sync(fabricId);
    expect(second.op.status, JSON.stringify(second.op)).toBe('SUCCEEDED');
    expect(counts(second.op, 'PERSIST')).toMatchObject({ created, updated, deleted });
    expect(created).toBeGreaterThan(0);
    expect(deleted).toBeGreaterThan(0);
    expect(Object.values(await recordCounts(fabricId)).reduce((a, b) => a + b, 0)).toBe(51);
  });
});

/**
 * Every query, mutation and subscription × every kind of token. A token scoped to fabric A never
 * sees fabric B: single objects come back null or NOT_FOUND, lists leave B out, subscriptions refuse.
 * A check at the end fails when a root field is added without a row here.
 */
import { randomUUID } from 'node:crypto';
import { buildSchema, type GraphQLInputObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type GraphQLResult, type TestApp } from '../support/app.js';
import { collect, wsClient } from '../support/subscriptions.js';

const PRINCIPALS = ['admin', 'viewerA', 'operatorA', 'editorA', 'globalViewer', 'globalEditor'] as const;
type Principal = (typeof PRINCIPALS)[number];

let t: TestApp;
const tokens = {} as Record<Principal, string>;
const ids = {} as {
  fabricA: string;
  fabricB: string;
  repoA: string;
  repoB: string;
  opA: string;
  opB: string;
  doomed: Record<Principal, string>;
  recordB: string;
  driftB: string;
  sinkA: string;
  doomedSinks: Record<Principal, string>;
};

async function admin<T>(query: string, variables: Record<string, unknown> = {}) {
  return dataOf(await t.gql<T>(query, variables));
}

beforeAll(async () => {
  t = await startTestApp();
  tokens.admin = t.adminToken;
  for (const name of ['A', 'B']) {
    const { createRepository } = await admin<{ createRepository: { id: string } }>(
      `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
      { i: { name: `repo-${name}`, url: `https://127.0.0.1:1/${name}.git` } },
    );
    const { createFabric } = await admin<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name: `fabric-${name.toLowerCase()}`, repositoryId: createRepository.id } },
    );
    Object.assign(ids, { [`fabric${name}`]: createFabric.id, [`repo${name}`]: createRepository.id });
  }
  for (const [key, fabric] of [
    ['opA', ids.fabricA],
    ['opB', ids.fabricB],
  ] as const) {
    const { syncFabric } = await admin<{ syncFabric: { id: string } }>(
      `mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`,
      { f: fabric },
    );
    ids[key] = syncFabric.id;
  }
  const grants: Record<Exclude<Principal, 'admin'>, { role: string; fabricId?: string }[]> = {
    viewerA: [{ role: 'VIEWER', fabricId: ids.fabricA }],
    operatorA: [{ role: 'OPERATOR', fabricId: ids.fabricA }],
    editorA: [{ role: 'EDITOR', fabricId: ids.fabricA }],
    globalViewer: [{ role: 'VIEWER' }],
    globalEditor: [{ role: 'EDITOR' }],
  };
  for (const [principal, g] of Object.entries(grants)) {
    const { createApiToken } = await admin<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
      { i: { name: principal, grants: g } },
    );
    tokens[principal as Principal] = createApiToken.token;
  }
  ids.doomed = {} as Record<Principal, string>;
  for (const principal of PRINCIPALS) {
    const { createFabric } = await admin<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      {
        i: { name: `doomed-${principal.toLowerCase()}` },
      },
    );
    ids.doomed[principal] = createFabric.id;
  }
  const sinkOfA = async () =>
    (
      await admin<{ createNotificationSink: { id: string } }>(
        `mutation($f: ID!) { createNotificationSink(fabricId: $f, input: { url: "https://127.0.0.1:1/hook", events: [OPERATION_FAILED] }) { id } }`,
        { f: ids.fabricA },
      )
    ).createNotificationSink.id;
  ids.sinkA = await sinkOfA();
  ids.doomedSinks = {} as Record<Principal, string>;
  for (const principal of PRINCIPALS) ids.doomedSinks[principal] = await sinkOfA();
  // A record and a drift report of fabric B, written straight to the database: the git sync and
  // drift check that would make them need a reachable remote and cluster, which this test has not.
  const fabricB = Buffer.from(ids.fabricB, 'base64url').toString().split(':')[1]!;
  const [recordId, reportId] = [randomUUID(), randomUUID()];
  const knex = t.db.orm.em.getConnection().getKnex();
  const now = new Date();
  await knex('record').insert({
    id: recordId,
    fabric_id: fabricB,
    kind: 'SwitchGroup',
    namespace: 'default',
    name: 'group-b',
    labels: '{}',
    annotations: '{}',
    spec: '{}',
    canonical_hash: 'x',
    state: 'PENDING',
    created_at: now,
    updated_at: now,
  });
  await knex('drift_report').insert({
    id: reportId,
    fabric_id: fabricB,
    score: 0,
    counts: '{}',
    created_at: now,
  });
  ids.recordB = Buffer.from(`Record:${recordId}`).toString('base64url');
  ids.driftB = Buffer.from(`DriftReport:${reportId}`).toString('base64url');
});
afterAll(async () => t?.close());

type Outcome = 'allow' | 'deny';
interface Case {
  readonly field: string;
  readonly query: () => string;
  readonly variables?: (principal: Principal) => Record<string, unknown>;
  readonly allowed: readonly Principal[];
  /** For lists: what a denied caller sees is a result without B, not an error. */
  readonly judge?: (result: GraphQLResult) => Outcome;
}

const ALL = PRINCIPALS;
const READ_A = ALL;
const READ_B = ['admin', 'globalViewer', 'globalEditor'] as const;
const OPERATE_A = ['admin', 'operatorA', 'editorA', 'globalEditor'] as const;
const EDIT_A = ['admin', 'editorA', 'globalEditor'] as const;
const GLOBAL_EDIT = ['admin', 'globalEditor'] as const;
const ADMIN = ['admin'] as const;

const DENIED_CODES = ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED'];
const byErrors = (result: GraphQLResult): Outcome =>
  result.errors?.some((e) => DENIED_CODES.includes(e.extensions?.code ?? '')) ? 'deny' : 'allow';
/** A null single object means "not visible". */
const byNull =
  (key: string) =>
  (result: GraphQLResult): Outcome =>
    byErrors(result) === 'deny' || result.data?.[key] == null ? 'deny' : 'allow';
/** A list that includes fabric B's object means B is visible. */
const includesB = (result: GraphQLResult): Outcome =>
  JSON.stringify(result.data).includes('fabric-b') || JSON.stringify(result.data).includes('repo-B')
    ? 'allow'
    : 'deny';

const CASES: readonly Case[] = [
  { field: 'viewer', query: () => `{ viewer { tokenName } }`, allowed: ALL },
  {
    field: 'fabrics',
    query: () => `{ fabrics { totalCount nodes { name } } }`,
    allowed: READ_B,
    judge: includesB,
  },
  {
    field: 'fabric',
    query: () => `query($id: ID) { fabric(id: $id) { name } }`,
    variables: () => ({ id: ids.fabricB }),
    allowed: READ_B,
    judge: byNull('fabric'),
  },
  {
    field: 'node',
    query: () => `query($id: ID!) { node(id: $id) { id } }`,
    variables: () => ({ id: ids.fabricB }),
    allowed: READ_B,
    judge: byNull('node'),
  },
  {
    field: 'nodes',
    query: () => `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
    variables: () => ({ ids: [ids.fabricB, ids.recordB, ids.opB] }),
    allowed: READ_B,
    judge: (result) => ((result.data?.['nodes'] as unknown[] | undefined)?.some(Boolean) ? 'allow' : 'deny'),
  },
  // Visible through a readable fabric that uses them: global readers see repo-B through fabric-b.
  {
    field: 'repositories',
    query: () => `{ repositories { nodes { name } } }`,
    allowed: READ_B,
    judge: includesB,
  },
  {
    field: 'repository',
    query: () => `query($id: ID!) { repository(id: $id) { name } }`,
    variables: () => ({ id: ids.repoA }),
    allowed: READ_A,
    judge: byNull('repository'),
  },
  {
    field: 'records',
    query: () => `query($f: ID!) { records(fabricId: $f) { totalCount } }`,
    variables: () => ({ f: ids.fabricB }),
    allowed: READ_B,
  },
  {
    field: 'record',
    query: () => `query($id: ID!) { record(id: $id) { id } }`,
    variables: () => ({ id: ids.recordB }),
    allowed: READ_B,
    judge: byNull('record'),
  },
  {
    field: 'operation',
    query: () => `query($id: ID!) { operation(id: $id) { id } }`,
    variables: () => ({ id: ids.opB }),
    allowed: READ_B,
    judge: byNull('operation'),
  },
  {
    field: 'operations',
    query: () => `{ operations { nodes { fabric { name } } } }`,
    allowed: READ_B,
    judge: includesB,
  },
  {
    field: 'driftReport',
    query: () => `query($id: ID!) { driftReport(id: $id) { id } }`,
    variables: () => ({ id: ids.driftB }),
    allowed: READ_B,
    judge: byNull('driftReport'),
  },
  {
    field: 'driftReports',
    query: () => `query($f: ID!) { driftReports(fabricId: $f) { totalCount } }`,
    variables: () => ({ f: ids.fabricB }),
    allowed: READ_B,
  },
  { field: 'apiTokens', query: () => `{ apiTokens { totalCount } }`, allowed: ADMIN },
  {
    field: 'impact',
    query: () => `query($id: ID!) { impact(recordId: $id) { root { id } deleteRefused } }`,
    variables: () => ({ id: ids.recordB }),
    allowed: READ_B,
    judge: byNull('impact'),
  },
  {
    field: 'topology',
    query: () => `query($f: ID!) { topology(fabricId: $f) { fabric { name } nodes { id } } }`,
    variables: () => ({ f: ids.fabricB }),
    allowed: READ_B,
  },
  {
    field: 'createRepository',
    query: () =>
      `mutation { createRepository(input: { name: "r-${Math.random().toString(36).slice(2)}", url: "https://x.example/r.git" }) { id } }`,
    allowed: ADMIN,
  },
  {
    field: 'updateRepository',
    query: () => `mutation($id: ID!) { updateRepository(id: $id, input: { defaultBranch: "main" }) { id } }`,
    variables: () => ({ id: ids.repoA }),
    allowed: ADMIN,
  },
  {
    field: 'deleteRepository',
    query: () => `mutation($id: ID!) { deleteRepository(id: $id) }`,
    variables: () => ({ id: ids.repoA }),
    allowed: ADMIN,
    judge: (r) =>
      byErrors(r) === 'deny' && r.errors?.[0]?.extensions?.code !== 'CONFLICT' ? 'deny' : 'allow',
  },
  {
    field: 'testRepositoryConnection',
    query: () => `mutation($id: ID!) { testRepositoryConnection(id: $id) { id } }`,
    variables: () => ({ id: ids.repoA }),
    allowed: OPERATE_A,
  },
  {
    field: 'createFabric',
    query: () =>
      `mutation { createFabric(input: { name: "f-${Math.random().toString(36).slice(2, 10)}" }) { id } }`,
    allowed: GLOBAL_EDIT,
  },
  {
    field: 'updateFabric',
    query: () => `mutation($id: ID!) { updateFabric(id: $id, input: { description: "x" }) { id } }`,
    variables: () => ({ id: ids.fabricA }),
    allowed: EDIT_A,
  },
  {
    field: 'deleteFabric',
    query: () => `mutation($id: ID!) { deleteFabric(id: $id) }`,
    variables: (p) => ({ id: ids.doomed[p] }),
    allowed: GLOBAL_EDIT,
  },
  {
    field: 'createNotificationSink',
    query: () =>
      `mutation($f: ID!) { createNotificationSink(fabricId: $f, input: { url: "https://127.0.0.1:1/x", events: [DRIFT_DETECTED] }) { id } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: EDIT_A,
  },
  {
    field: 'updateNotificationSink',
    query: () =>
      `mutation($id: ID!) { updateNotificationSink(id: $id, input: { minIntervalSeconds: 60 }) { id } }`,
    variables: () => ({ id: ids.sinkA }),
    allowed: EDIT_A,
  },
  {
    field: 'deleteNotificationSink',
    query: () => `mutation($id: ID!) { deleteNotificationSink(id: $id) }`,
    variables: (p) => ({ id: ids.doomedSinks[p] }),
    allowed: EDIT_A,
  },
  {
    field: 'syncFabric',
    query: () => `mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: OPERATE_A,
  },
  {
    field: 'applyFabric',
    query: () => `mutation($f: ID!) { applyFabric(fabricId: $f, dryRun: true) { id } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: OPERATE_A,
  },
  {
    field: 'checkDrift',
    query: () => `mutation($f: ID!) { checkDrift(fabricId: $f) { id } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: OPERATE_A,
  },
  {
    field: 'reconcileFabric',
    query: () => `mutation($f: ID!) { reconcileFabric(fabricId: $f) { id } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: OPERATE_A,
  },
  {
    field: 'testFabricConnection',
    query: () => `mutation($id: ID!) { testFabricConnection(id: $id) { status } }`,
    variables: () => ({ id: ids.fabricA }),
    allowed: OPERATE_A,
  },
  // An operate action like the syncs it holds back; the next row resumes A for the rows after it.
  {
    field: 'suspendFabric',
    query: () => `mutation($id: ID!) { suspendFabric(id: $id, reason: "matrix") { suspended } }`,
    variables: () => ({ id: ids.fabricA }),
    allowed: OPERATE_A,
  },
  {
    field: 'resumeFabric',
    query: () => `mutation($id: ID!) { resumeFabric(id: $id) { suspended } }`,
    variables: () => ({ id: ids.fabricA }),
    allowed: OPERATE_A,
  },
  // Editors may write; fabric A's repository is unreachable, so an allowed write fails upstream, not with a denial.
  {
    field: 'createRecord',
    query: () =>
      `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "g", spec: {} }) { commit } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: EDIT_A,
  },
  // Editing B's record needs edit on B; an allowed edit then fails upstream (B's remote is unreachable).
  {
    field: 'updateRecord',
    query: () => `mutation($id: ID!) { updateRecord(id: $id, input: { labels: { a: "b" } }) { commit } }`,
    variables: () => ({ id: ids.recordB }),
    allowed: GLOBAL_EDIT,
  },
  {
    field: 'deleteRecord',
    query: () => `mutation($id: ID!) { deleteRecord(id: $id) { commit } }`,
    variables: () => ({ id: ids.recordB }),
    allowed: GLOBAL_EDIT,
  },
  {
    field: 'adoptOrphan',
    query: () => `mutation($f: ID!) { adoptOrphan(fabricId: $f, kind: VPC, name: "x") { commit } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: EDIT_A,
  },
  {
    field: 'applyChanges',
    query: () =>
      `mutation($f: ID!) { applyChanges(fabricId: $f, changes: [{ action: CREATE, record: { kind: SwitchGroup, name: "g2", spec: {} } }]) { commit } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: EDIT_A,
  },
  {
    field: 'revertFabric',
    query: () => `mutation($f: ID!) { revertFabric(fabricId: $f, toCommit: "${'a'.repeat(40)}") { commit } }`,
    variables: () => ({ f: ids.fabricA }),
    allowed: EDIT_A,
  },
  {
    field: 'cancelOperation',
    query: () => `mutation($id: ID!) { cancelOperation(id: $id) { id } }`,
    variables: () => ({ id: ids.opA }),
    allowed: OPERATE_A,
  },
  {
    field: 'createApiToken',
    query: () => `mutation { createApiToken(input: { name: "x", grants: [{ role: VIEWER }] }) { token } }`,
    allowed: ADMIN,
  },
  {
    field: 'revokeApiToken',
    query: () =>
      `mutation { revokeApiToken(id: "${Buffer.from('ApiToken:00000000-0000-4000-8000-000000000000').toString('base64url')}") }`,
    allowed: ADMIN,
    judge: (r) => (r.errors?.[0]?.extensions?.code === 'NOT_FOUND' ? 'allow' : 'deny'),
  },
];

/**
 * updateFabric field by field: where a fabric sits (repository, branch, directory, cluster) needs
 * edit on every fabric; its other settings need edit on it. Allowed rows really change fabric A,
 * each to a value every allowed principal may set again.
 */
const UPDATE_FABRIC_FIELDS: readonly {
  field: string;
  input: () => Record<string, unknown>;
  allowed: readonly Principal[];
}[] = [
  { field: 'name', input: () => ({ name: 'fabric-a' }), allowed: EDIT_A },
  { field: 'description', input: () => ({ description: 'x' }), allowed: EDIT_A },
  { field: 'lifecycle', input: () => ({ lifecycle: 'ACTIVE' }), allowed: EDIT_A },
  { field: 'syncIntervalSeconds', input: () => ({ syncIntervalSeconds: 0 }), allowed: EDIT_A },
  { field: 'autoApply', input: () => ({ autoApply: false }), allowed: EDIT_A },
  { field: 'prune', input: () => ({ prune: false }), allowed: EDIT_A },
  { field: 'selfHeal', input: () => ({ selfHeal: false }), allowed: EDIT_A },
  { field: 'driftIgnore', input: () => ({ driftIgnore: [] }), allowed: EDIT_A },
  { field: 'repositoryId', input: () => ({ repositoryId: ids.repoA }), allowed: GLOBAL_EDIT },
  { field: 'branch', input: () => ({ branch: 'main' }), allowed: GLOBAL_EDIT },
  { field: 'directory', input: () => ({ directory: 'fabric-a' }), allowed: GLOBAL_EDIT },
  {
    field: 'cluster',
    input: () => ({ cluster: { server: 'https://127.0.0.1:1', token: 'matrix-cluster-token' } }),
    allowed: GLOBAL_EDIT,
  },
  { field: 'clearCluster', input: () => ({ clearCluster: true }), allowed: GLOBAL_EDIT },
];

const SUBSCRIPTIONS: readonly {
  field: string;
  query: string;
  variables: () => Record<string, unknown>;
  allowed: readonly Principal[];
}[] = [
  {
    field: 'operationProgress',
    query: `subscription($id: ID!) { operationProgress(operationId: $id) { status } }`,
    variables: () => ({ id: ids.opB }),
    allowed: READ_B,
  },
  {
    field: 'fabricStatus',
    query: `subscription($id: ID!) { fabricStatus(fabricId: $id) { name } }`,
    variables: () => ({ id: ids.fabricB }),
    allowed: READ_B,
  },
  {
    field: 'recordEvents',
    query: `subscription($id: ID!) { recordEvents(fabricId: $id) { name } }`,
    variables: () => ({ id: ids.fabricB }),
    allowed: READ_B,
  },
  {
    field: 'driftReports',
    query: `subscription($id: ID!) { driftReports(fabricId: $id) { id } }`,
    variables: () => ({ id: ids.fabricB }),
    allowed: READ_B,
  },
];

describe('authorization matrix', () => {
  describe.each(CASES)('$field', (c) => {
    it.each(PRINCIPALS)('as %s', async (principal) => {
      const result = await t.gql(c.query(), c.variables?.(principal) ?? {}, tokens[principal]);
      const outcome = (c.judge ?? byErrors)(result);
      expect(outcome, JSON.stringify(result)).toBe(c.allowed.includes(principal) ? 'allow' : 'deny');
    });
  });

  describe.each(UPDATE_FABRIC_FIELDS)('updateFabric input.$field', (c) => {
    it.each(PRINCIPALS)('as %s', async (principal) => {
      const result = await t.gql(
        `mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { id } }`,
        { id: ids.fabricA, i: c.input() },
        tokens[principal],
      );
      expect(byErrors(result), JSON.stringify(result)).toBe(c.allowed.includes(principal) ? 'allow' : 'deny');
      if (c.allowed.includes(principal)) expect(result.errors, JSON.stringify(result)).toBeUndefined();
    });
  });

  describe.each(SUBSCRIPTIONS)('subscription $field', (s) => {
    it.each(PRINCIPALS)('as %s', async (principal) => {
      const client = wsClient(t.url, tokens[principal]);
      // Allowed subscriptions stay open (operationProgress replays to the end); refused ones error at once.
      const run = collect(client, s.query, s.variables(), () => true, 1500);
      const outcome: Outcome = await run.done.then(
        () => 'allow',
        (err: Error) => (/timed out/.test(err.message) ? 'allow' : 'deny'),
      );
      await client.dispose();
      expect(outcome).toBe(s.allowed.includes(principal) ? 'allow' : 'deny');
    });
  });

  it('refuses a WebSocket without a token (close code 4403, Forbidden)', async () => {
    const client = wsClient(t.url, null);
    const error = await collect(
      client,
      `subscription($id: ID!) { fabricStatus(fabricId: $id) { name } }`,
      { id: ids.fabricA },
      () => true,
      5000,
    ).done.catch((e: unknown) => e);
    await client.dispose();
    expect((error as { code?: number }).code).toBe(4403);
  });

  it('covers every root field of the schema', () => {
    const schema = buildSchema(readFileSync('schema.graphql', 'utf8'));
    const fields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
      Object.keys(type!.getFields()),
    );
    const subscriptions = Object.keys(schema.getSubscriptionType()!.getFields());
    expect(CASES.map((c) => c.field).sort()).toEqual(fields.sort());
    expect(SUBSCRIPTIONS.map((s) => s.field).sort()).toEqual(subscriptions.sort());
    const updateInput = schema.getType('UpdateFabricInput') as GraphQLInputObjectType;
    expect(UPDATE_FABRIC_FIELDS.map((f) => f.field).sort()).toEqual(
      Object.keys(updateInput.getFields()).sort(),
    );
  });
});

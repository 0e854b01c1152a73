/**
 * The data the Relay tests page through: fabrics made through the API, and records, operations
 * (some sharing a timestamp, so the keyset's tie-breaker is exercised) and drift reports written
 * straight into the database, which is faster than syncing and checking a cluster for them.
 */
import { afterAll, beforeAll } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';

export interface RelayFixture {
  t: TestApp;
  /** Global ids of the fabrics, by name. */
  fabrics: Record<string, string>;
  /** A token that reads fabric `a` only. */
  readerOfA: string;
}

export const RECORDS = [
  ...['leaf-1', 'leaf-2', 'spine-1'].map((name) => ['Switch', name] as const),
  ...['server-1', 'server-2'].map((name) => ['Server', name] as const),
  ...['vpc-1', 'vpc-2', 'vpc-3', 'vpc-4', 'vpc-5', 'vpc-6', 'vpc-7'].map((name) => ['VPC', name] as const),
];
export const OPERATIONS = 7;
export const DRIFT_REPORTS = 3;
export const DIFFERENCES = 7;
/** The bootstrap admin's and the two readers'. */
export const API_TOKENS = 3;

const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

export function useRelayFixture(): RelayFixture {
  const fixture = { fabrics: {} } as RelayFixture;
  beforeAll(async () => {
    // An API-only replica: no background scans add statements to the counts.
    const t = (fixture.t = await startTestApp({ env: { FABRIC_SYNC_RESCAN_SECONDS: '0' } }));
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) {
      const { createRepository } = dataOf(
        await t.gql<{ createRepository: { id: string } }>(
          `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
          { i: { name: `repo-${name}`, url: `https://git.example.com/${name}.git` } },
        ),
      );
      const { createFabric } = dataOf(
        await t.gql<{ createFabric: { id: string } }>(
          `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
          { i: { name, repositoryId: createRepository.id } },
        ),
      );
      fixture.fabrics[name] = createFabric.id;
    }
    for (const name of ['a', 'b']) await seed(t, rawId(fixture.fabrics[name]!));
    const readerOf = async (fabric: string) =>
      dataOf(
        await t.gql<{ createApiToken: { token: string } }>(
          `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
          {
            i: {
              name: `reader-of-${fabric}`,
              grants: [{ role: 'VIEWER', fabricId: fixture.fabrics[fabric] }],
            },
          },
        ),
      ).createApiToken.token;
    fixture.readerOfA = await readerOf('a');
    await readerOf('b');
  });
  afterAll(async () => fixture.t?.close());
  return fixture;
}

async function seed(t: TestApp, fabricId: string): Promise<void> {
  const sql = (query: string, params: unknown[]) => t.db.orm.em.getConnection().execute(query, params);
  for (const [kind, name] of RECORDS)
    await sql(
      `insert into record (id, fabric_id, kind, name, labels, annotations, spec, canonical_hash, created_at, updated_at)
       values (gen_random_uuid(), ?, ?, ?, '{}', '{}', ?, 'h', now(), now())`,
      [fabricId, kind, name, JSON.stringify(kind === 'Switch' ? { role: 'server-leaf' } : {})],
    );
  for (let i = 0; i < OPERATIONS; i++)
    await sql(
      `insert into operation (id, fabric_id, type, status, stages, errors, created_at)
       values (gen_random_uuid(), ?, 'GIT_SYNC', 'SUCCEEDED', '[]', '[]', ?)`,
      // Pairs share a timestamp: only the id orders them.
      [fabricId, new Date(Date.UTC(2026, 0, 1, 0, Math.floor(i / 2)))],
    );
  for (let r = 0; r < DRIFT_REPORTS; r++) {
    const [report] = await sql(
      `insert into drift_report (id, fabric_id, counts, created_at) values (gen_random_uuid(), ?, '{}', ?) returning id`,
      [fabricId, new Date(Date.UTC(2026, 0, 2, r))],
    );
    for (let p = 0; p < DIFFERENCES; p++)
      await sql(
        `insert into drift_difference (id, report_id, kind, namespace, name, drift_type, position)
         values (gen_random_uuid(), ?, 'VPC', 'default', ?, 'MODIFIED', ?)`,
        [(report as { id: string }).id, `vpc-${p}`, p],
      );
  }
}

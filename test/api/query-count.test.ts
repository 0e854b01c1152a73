/**
 * DataLoaders at work: a page of fabrics with their counts, repositories, latest operation, first
 * records (filtered or not) and operations costs the same number of SQL statements for 5 fabrics as for 50.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  // An API-only replica: no background schedule or watch scans add statements to the count.
  t = await startTestApp({ env: { FABRIC_SYNC_RESCAN_SECONDS: '0' } });
  const repos: string[] = [];
  for (let i = 0; i < 5; i++) {
    const { createRepository } = dataOf(
      await t.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        {
          i: { name: `repo-${i}`, url: `https://git.example.com/r${i}.git` },
        },
      ),
    );
    repos.push(createRepository.id);
  }
  // Ten fabrics per repository, each in its own directory: no two fabrics may share Git files.
  for (let i = 0; i < 50; i++) {
    const name = `fabric-${String(i).padStart(2, '0')}`;
    dataOf(
      await t.gql(`mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`, {
        i: { name, repositoryId: repos[i % repos.length], directory: `fabrics/${name}` },
      }),
    );
  }
});
afterAll(async () => t?.close());

const QUERY = `query($n: Int!) {
  fabrics(first: $n) {
    totalCount
    nodes {
      name syncStatus
      recordCounts { kind count }
      repository { name url hasCredentials fabrics { name } }
      lastOperation { id status }
      drift { score }
      records(first: 5) { totalCount nodes { name } }
      filtered: records(first: 5, filter: { nameContains: "leaf" }) { totalCount nodes { name } }
      operations(first: 3) { totalCount nodes { id status } }
    }
  }
}`;

async function statementsFor(n: number): Promise<number> {
  t.queries.length = 0;
  const data = dataOf(await t.gql<{ fabrics: { nodes: unknown[] } }>(QUERY, { n }));
  expect(data.fabrics.nodes).toHaveLength(n);
  // Authentication looks the token up once per request; everything else is the query's own cost.
  return t.queries.filter((sql) => !sql.includes('"api_token"')).length;
}

describe('listing fabrics with their relations', () => {
  it('issues a constant number of statements, not one per fabric', async () => {
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(12);
  });
});

/**
 * The attack that killed a server: a VIEWER nests `fabric { records(first: 500) { nodes { … } } }`
 * through four fragments (the inline form is refused), and the process ran out of heap. Against a
 * real server process on a synced fabric: the fragment form is refused before it runs (400,
 * QUERY_TOO_COMPLEX), and the process stays up and answers the next query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, postGraphQL } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFabricWithRepository, startFabricOperation } from '../support/fabric-setup.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { newIdentity, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { followOperation } from '../support/subscriptions.js';

const DIR = 'fabrics/attacked';
const LEVEL = (next: string) => `fabric { records(first: 500) { nodes { ${next} } } }`;
const INLINE = `{ fabric(name: "attacked") { records(first: 500) { nodes { ${LEVEL(LEVEL(LEVEL(LEVEL('name'))))} } } } }`;
const FRAGMENTS = `{ fabric(name: "attacked") { records(first: 500) { nodes { ...L1 } } } }
  fragment L1 on Record { fabric { records(first: 500) { nodes { ...L2 } } } }
  fragment L2 on Record { fabric { records(first: 500) { nodes { ...L3 } } } }
  fragment L3 on Record { fabric { records(first: 500) { nodes { ...L4 } } } }
  fragment L4 on Record { fabric { records(first: 500) { nodes { name } } } }`;

let db: TestDatabase;
let git: GitServer;
let server: ServerProcess;
let viewerToken: string;

beforeAll(async () => {
  [db, git] = await Promise.all([createTestDatabase(), startGitServer()]);
  const identity = newIdentity(db.url);
  const manifests = generateFabric({ seed: 16, leafPairs: 1, serversPerPair: 8, vpcs: 2, peerings: 1 });
  const repo = await git.createRepo('attacked', fabricFiles(manifests, { files: 5, dir: DIR }));
  server = await startServerProcess(identity);
  const { fabricId } = await createFabricWithRepository(server, {
    name: 'attacked',
    url: repo.httpUrl,
    directory: DIR,
  });
  const sync = await startFabricOperation(server, 'syncFabric', fabricId);
  expect((await followOperation(server.url, identity.adminToken, sync)).at(-1)).toBe('SUCCEEDED');
  const { createApiToken } = dataOf(
    await server.gql<{ createApiToken: { token: string } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
      { i: { name: 'viewer', grants: [{ role: 'VIEWER' }] } },
    ),
  );
  viewerToken = createApiToken.token;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await git?.close();
  await db?.close();
});

describe('a query nested through fragments', () => {
  it('is refused like its inline form, and the server keeps answering', async () => {
    const asViewer = (query: string) => postGraphQL(server.url, query, {}, viewerToken);
    for (const query of [INLINE, FRAGMENTS]) {
      const refused = await asViewer(query);
      expect(refused.status).toBe(400);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    }
    const answered = await asViewer(`{ fabric(name: "attacked") { records(first: 5) { totalCount } } }`);
    expect(answered.status).toBe(200);
    const { fabric } = dataOf(
      answered as typeof answered & { data: { fabric: { records: { totalCount: number } } } },
    );
    expect(fabric.records.totalCount).toBeGreaterThan(20);
    expect(server.process.exitCode).toBeNull();
  }, 60_000);
});

/**
 * A cluster (or a proxy in front of it) that echoes the request's Authorization header in its error
 * bodies: the fabric's token must reach neither the GraphQL answers nor the database, whichever way
 * the reply is stored (connection test, a pipeline's list, the watch, an apply's per-object errors).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startFabricOperation } from '../support/fabric-setup.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { followOperation } from '../support/subscriptions.js';

const TOKEN = 'echoed-cluster-token-7f3a9c';
const BODY_MARKER = 'upstream-body-text';

let t: TestApp;
let git: GitServer;
/** Every echo server started, one per fabric: one cluster server holds one fabric. */
const echoes: Server[] = [];
/** The status every request gets (but lists in namespace lists-ok); the body names the header it came with. */
let replyStatus: 401 | 403 = 403;

function echoRequest(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'GET' && req.url?.includes('/namespaces/lists-ok/') && !req.url.includes('watch=')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [], metadata: {} }));
    return;
  }
  const sent = req.headers.authorization ?? '';
  res.writeHead(replyStatus, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: replyStatus === 401 ? 'Unauthorized' : 'Forbidden',
      code: replyStatus,
      // the raw token too, not only "Bearer …": shape patterns alone would not catch it
      message: `${BODY_MARKER}: you sent ${sent}, that is ${sent.replace(/^Bearer /, '')}`,
    }),
  );
}

/** A new echoing cluster server on its own port. */
async function echoServerUrl(): Promise<string> {
  const echo = createServer(echoRequest);
  echoes.push(echo);
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  [t, git] = await Promise.all([startTestApp(), startGitServer()]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
  await Promise.all(echoes.map((echo) => new Promise((resolve) => echo.close(resolve))));
});

/** Each fabric on a cluster server of its own: two fabrics may not share one. */
const cluster = async (namespace: string) => ({
  server: await echoServerUrl(),
  token: TOKEN,
  namespace,
  insecureSkipTlsVerify: true,
});

const CREATE_FABRIC = `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`;

async function createFabric(name: string): Promise<string> {
  const { createFabric } = dataOf(
    await t.gql<{ createFabric: { id: string } }>(CREATE_FABRIC, {
      i: { name, cluster: await cluster(name) },
    }),
  );
  return createFabric.id;
}

const fabricRow = (name: string) =>
  t.db.orm.em
    .getConnection()
    .getKnex()('fabric')
    .first('connection_message', 'watch_message')
    .where('name', name);

const FABRIC_MESSAGES = `connectionStatus connectionMessage watchStatus watchMessage`;
type FabricMessages = Record<
  'connectionStatus' | 'connectionMessage' | 'watchStatus' | 'watchMessage',
  string
>;

/** Asks for the fabric until `ready` holds for it (the watch moves on its own schedule). */
async function fabricWhen(id: string, ready: (fabric: FabricMessages) => boolean) {
  for (let attempt = 0; ; attempt++) {
    const result = await t.gql<{ fabric: FabricMessages }>(
      `query($id: ID) { fabric(id: $id) { ${FABRIC_MESSAGES} } }`,
      { id },
    );
    if (ready(dataOf(result).fabric) || attempt === 400) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a cluster that echoes the Authorization header', () => {
  it('testFabricConnection reports the status code and reason, never the response body', async () => {
    const id = await createFabric('conn-test');
    for (const [status, reason] of [
      [401, 'Unauthorized'],
      [403, 'Forbidden'],
    ] as const) {
      replyStatus = status;
      const result = await t.gql<{ testFabricConnection: { status: string; message: string } }>(
        `mutation($id: ID!) { testFabricConnection(id: $id) { status message fabric { ${FABRIC_MESSAGES} } } }`,
        { id },
      );
      expect(dataOf(result).testFabricConnection.message).toBe(`HTTP ${status} ${reason}`);
      expect(JSON.stringify(result)).not.toContain(BODY_MARKER);
      expect(JSON.stringify(await fabricRow('conn-test'))).not.toContain(BODY_MARKER);
    }
  });

  it('a failing pipeline stores the connection message redacted', async () => {
    replyStatus = 403;
    const id = await createFabric('pipeline');
    const op = await startFabricOperation(t, 'checkDrift', id);
    expect((await followOperation(t.url, t.adminToken, op)).at(-1)).toBe('FAILED');
    const result = await t.gql(`query($id: ID) { fabric(id: $id) { ${FABRIC_MESSAGES} } }`, { id });
    const row = await fabricRow('pipeline');
    expect(row.connection_message).toContain(BODY_MARKER); // the message is kept, only the token goes
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('the watch stores its error message redacted', async () => {
    replyStatus = 403;
    const id = await createFabric('watched');
    const result = await fabricWhen(id, (f) => f.watchStatus === 'ERROR');
    expect(dataOf(result).fabric.watchMessage).toContain(BODY_MARKER);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    const row = await fabricRow('watched');
    expect(row.watch_message).toContain(BODY_MARKER);
    expect(JSON.stringify(row)).not.toContain(TOKEN);
  });

  it("an apply's per-object failures are stored redacted: record states, operation errors, dry-run result", async () => {
    replyStatus = 403;
    const repo = await git.createRepo('echo', {
      'fabric/groups.yaml':
        'apiVersion: wiring.githedgehog.com/v1beta1\nkind: SwitchGroup\nmetadata:\n  name: g1\nspec: {}\n',
    });
    const { createRepository } = dataOf(
      await t.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        { i: { name: 'echo', url: repo.httpUrl } },
      ),
    );
    const { createFabric } = dataOf(
      await t.gql<{ createFabric: { id: string } }>(CREATE_FABRIC, {
        i: {
          name: 'applied',
          repositoryId: createRepository.id,
          directory: 'fabric',
          cluster: await cluster('lists-ok'),
        },
      }),
    );
    const id = createFabric.id;
    for (const [mutation, outcome] of [
      ['syncFabric', 'SUCCEEDED'],
      ['applyFabric', 'FAILED'],
    ] as const)
      expect(
        (await followOperation(t.url, t.adminToken, await startFabricOperation(t, mutation, id))).at(-1),
      ).toBe(outcome);
    const dryRun = dataOf(
      await t.gql<{ applyFabric: { id: string } }>(
        `mutation($f: ID!) { applyFabric(fabricId: $f, dryRun: true) { id } }`,
        { f: id },
      ),
    ).applyFabric.id;
    expect((await followOperation(t.url, t.adminToken, dryRun)).at(-1)).toBe('FAILED');
    const answer = await t.gql(
      `query($f: ID!) { records(fabricId: $f) { nodes { state stateMessage } } operations(fabricId: $f) { nodes { message errors { message } result } } }`,
      { f: id },
    );
    expect(JSON.stringify(answer)).toContain(BODY_MARKER);
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
    const knex = t.db.orm.em.getConnection().getKnex();
    const rows = [
      await knex('record').select('state_message'),
      await knex('operation').select('message', 'errors', 'result'),
    ];
    expect(JSON.stringify(rows)).toContain(BODY_MARKER);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });
});

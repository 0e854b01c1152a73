/**
 * Write-back through GraphQL: each edit becomes a commit in the remote (over authenticated HTTP),
 * and the records follow through the normal git sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';

const USER = { username: 'writer', password: 'write-back-password-1' };
let t: TestApp;
let git: GitServer;
let repo: TestRepo;
let fabricId: string;
let kube: KubeApiServer;
let files: string[];
const manifests = generateFabric({ seed: 11 });

beforeAll(async () => {
  [t, git, kube] = await Promise.all([
    startTestApp(),
    startGitServer({ users: [USER] }),
    startKubeApiServer({ emulateFabricWebhooks: true }),
  ]);
  const contents = fabricFiles(manifests, { files: 10, dir: 'fabric' });
  repo = await git.createRepo('write-back', contents);
  files = Object.keys(contents);
  ({ fabricId } = await createFabricWithRepository(t, {
    name: 'wb',
    url: repo.httpUrl,
    auth: { kind: 'BASIC', username: USER.username, secret: USER.password },
    directory: 'fabric',
    cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
  }));
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
});
afterAll(async () => {
  await t?.close();
  await git?.close();
  await kube?.close();
});

const RESULT = `commit branch record { id name labels } operation { status }`;

/** The id of the fabric's record of this kind and name (it must exist). */
async function recordId(kind: string, name: string): Promise<string> {
  const { records } = dataOf(
    await t.gql<{ records: { nodes: { id: string }[] } }>(
      `query($f: ID!, $n: String) { records(fabricId: $f, kind: ${kind}, filter: { name: $n }) { nodes { id } } }`,
      { f: fabricId, n: name },
    ),
  );
  expect(records.nodes).toHaveLength(1);
  return records.nodes[0]!.id;
}

describe('write-back through GraphQL', () => {
  it('creates an object as a commit, and the record follows', async () => {
    const { createRecord } = dataOf(
      await t.gql<{
        createRecord: {
          commit: string;
          record: { id: string; name: string } | null;
          operation: { status: string };
        };
      }>(
        `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "review-group", spec: {} }, options: { message: "add a group", author: { name: "Ann", email: "ann@example.com" } }) { ${RESULT} } }`,
        { f: fabricId },
      ),
    );
    expect(createRecord.commit).toBe(await repo.headCommit());
    expect(await repo.readFile('fabric/switchgroups.yaml')).toContain('name: review-group');
    expect(createRecord.record?.name).toBe('review-group');
  });

  it('updates with a merge patch and deletes, each as its own commit', async () => {
    const vpc = manifests.find((m) => m.kind === 'VPC')!;
    const { updateRecord } = dataOf(
      await t.gql<{ updateRecord: { record: { labels: Record<string, string> } } }>(
        `mutation($id: ID!) { updateRecord(id: $id, input: { labels: { owner: "net-team" } }) { ${RESULT} } }`,
        { id: await recordId('VPC', vpc.metadata.name) },
      ),
    );
    expect(updateRecord.record.labels).toMatchObject({ owner: 'net-team' });

    const peering = manifests.find((m) => m.kind === 'VPCPeering')!;
    dataOf(
      await t.gql(`mutation($id: ID!) { deleteRecord(id: $id) { commit } }`, {
        id: await recordId('VPCPeering', peering.metadata.name),
      }),
    );
    const after = dataOf(
      await t.gql<{ records: { totalCount: number } }>(
        `query($f: ID!, $n: String) { records(fabricId: $f, kind: VPCPeering, filter: { name: $n }) { totalCount } }`,
        { f: fabricId, n: peering.metadata.name },
      ),
    );
    expect(after.records.totalCount).toBe(0);
  });

  it('lands in the cluster: after an apply, the live object carries the edit Git now holds', async () => {
    const sw = manifests.find((m) => m.kind === 'Switch')!;
    dataOf(
      await t.gql(
        `mutation($id: ID!) { updateRecord(id: $id, input: { spec: { description: "edited through GraphQL" } }) { commit } }`,
        { id: await recordId('Switch', sw.metadata.name) },
      ),
    );
    expect(await repo.readFile(files.find((f) => f.includes('-switch-'))!)).toContain(
      'edited through GraphQL',
    );
    expect((await runFabricOperation(t, 'applyFabric', fabricId)).status).toBe('SUCCEEDED');
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfigYaml());
    const live = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'wiring.githedgehog.com',
      version: 'v1beta1',
      namespace: 'default',
      plural: 'switches',
      name: sw.metadata.name,
    })) as { spec: { description?: string } };
    expect(live.spec.description).toBe('edited through GraphQL');
  });

  it('applies several changes as one commit, reading the records they name in one statement', async () => {
    const servers = manifests.filter((m) => m.kind === 'Server').slice(0, 3);
    const ids = await Promise.all(servers.map((m) => recordId('Server', m.metadata.name)));
    const before = await repo.headCommit();
    t.queries.length = 0;
    const { applyChanges } = dataOf(
      await t.gql<{ applyChanges: { commit: string } }>(
        `mutation($f: ID!, $c: [RecordChangeInput!]!) { applyChanges(fabricId: $f, changes: $c) { commit } }`,
        { f: fabricId, c: ids.map((id) => ({ action: 'UPDATE', id, patch: { labels: { batch: 'one' } } })) },
      ),
    );
    const recordLoads = t.queries.filter((sql) =>
      sql.startsWith('select "r0".* from "record" as "r0" where "r0"."id" in'),
    );
    expect(recordLoads).toHaveLength(1);
    expect(applyChanges.commit).not.toBe(before);
    expect(applyChanges.commit).toBe(await repo.headCommit());
  });

  it('refuses an invalid object before it reaches Git, listing the issues', async () => {
    const before = await repo.headCommit();
    const result = await t.gql(
      `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: VPC, name: "far-too-long-vpc-name", spec: {} }) { commit } }`,
      { f: fabricId },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).toContain('far-too-long-vpc-name');
    expect(await repo.headCommit()).toBe(before);
  });

  it('answers CONFLICT with the current commit when the branch moved', async () => {
    const head = await repo.headCommit();
    const result = await t.gql<unknown>(
      `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "late", spec: {} }, options: { expectedCommit: "0000000000000000000000000000000000000000" }) { commit } }`,
      { f: fabricId },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentCommit: head });
  });

  it('pushes to a review branch without touching the fabric', async () => {
    const head = await repo.headCommit();
    const { createRecord } = dataOf(
      await t.gql<{ createRecord: { branch: string; operation: unknown; record: unknown } }>(
        `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "proposed", spec: {} }, options: { branch: "review/proposed" }) { ${RESULT} } }`,
        { f: fabricId },
      ),
    );
    expect(createRecord).toMatchObject({ branch: 'review/proposed', operation: null, record: null });
    expect(await repo.headCommit()).toBe(head);
    expect(await repo.readFile('fabric/switchgroups.yaml', 'review/proposed')).toContain('name: proposed');
  });
});

/**
 * PERSIST writes only what differs from the database: a one-file commit touches that file's
 * changed rows and nothing else, moves keep their record, renames replace it, and the comparison
 * is made against the database itself (a row changed behind the process's back is repaired).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createFabricWithRepository } from '../support/fabric-setup.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';
import { followOperation } from '../support/subscriptions.js';

const USER = { username: 'persist', password: 'persist-password-1' };
const DIR = 'fabrics/p';
let t: TestApp;
let git: GitServer;
let repo: TestRepo;
let fabricId: string;
let fabricDbId: string;
let files: Record<string, string>;

interface Row {
  id: string;
  kind: string;
  name: string;
  canonical_hash: string;
  source_file: string;
  source_commit: string;
  updated_at: Date;
}

const knex = () => t.db.orm.em.getConnection().getKnex();
const rows = async (): Promise<Map<string, Row>> => {
  const all: Row[] = await knex()('record')
    .select('id', 'kind', 'name', 'canonical_hash', 'source_file', 'source_commit', 'updated_at')
    .where('fabric_id', fabricDbId);
  return new Map(all.map((r) => [`${r.kind}/${r.name}`, r]));
};

/** Syncs and returns PERSIST's counts; the sync must succeed. */
async function sync(): Promise<Record<string, number>> {
  const { syncFabric } = dataOf(
    await t.gql<{ syncFabric: { id: string } }>(`mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`, {
      f: fabricId,
    }),
  );
  expect((await followOperation(t.url, t.adminToken, syncFabric.id)).at(-1)).toBe('SUCCEEDED');
  const { operation } = dataOf(
    await t.gql<{ operation: { stages: { name: string; counts: { name: string; value: number }[] }[] } }>(
      `query($id: ID!) { operation(id: $id) { stages { name counts { name value } } } }`,
      { id: syncFabric.id },
    ),
  );
  const persist = operation.stages.find((s) => s.name === 'PERSIST')!;
  return Object.fromEntries(persist.counts.map((c) => [c.name, c.value]));
}

/** The rows that differ between two snapshots, by key. */
function changedKeys(before: Map<string, Row>, after: Map<string, Row>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k))).sort();
}

beforeAll(async () => {
  [t, git] = await Promise.all([startTestApp(), startGitServer({ users: [USER] })]);
  files = fabricFiles(generateFabric(shapeFor(300)), { files: 8, dir: DIR });
  repo = await git.createRepo('persist', files);
  ({ fabricId } = await createFabricWithRepository(t, {
    name: 'persist',
    url: repo.httpUrl,
    auth: { kind: 'BASIC', ...{ username: USER.username, secret: USER.password } },
    directory: DIR,
  }));
  fabricDbId = Buffer.from(fabricId, 'base64url').toString().split(':')[1]!;
  expect((await sync())['created']).toBeGreaterThan(100);
});

afterAll(async () => {
  await t?.close();
  await git?.close();
});

describe('PERSIST after a small commit', () => {
  it('rewrites only the changed record of a one-file commit', async () => {
    const before = await rows();
    const vpcFile = Object.keys(files).find((f) => f.includes('-vpc-'))!;
    const bumped = files[vpcFile]!.replace(/gateway: "(\d+\.\d+\.\d+)\.1"/, 'gateway: "$1.9"');
    expect(bumped).not.toBe(files[vpcFile]);
    const commit = await repo.push({ [vpcFile]: bumped }, 'move one gateway');
    files[vpcFile] = bumped;
    expect(await sync()).toEqual({
      created: 0,
      updated: 1,
      moved: 0,
      deleted: 0,
      unchanged: before.size - 1,
    });
    const after = await rows();
    const [changed, ...others] = changedKeys(before, after);
    expect(others).toEqual([]);
    expect(after.get(changed!)).toMatchObject({ id: before.get(changed!)!.id, source_commit: commit });
  });

  it('keeps the record of a document that moved to another file, and replaces a renamed one', async () => {
    const peeringFile = Object.keys(files).find((f) => f.includes('vpcpeering'))!;
    const [first, ...rest] = files[peeringFile]!.split(/^---\n/m).filter(Boolean);
    const movedName = /name: (\S+)/.exec(first!)![1]!;
    const renamed = rest[0]!.replace(/name: (\S+)/, 'name: renamed-peering');
    const oldName = /name: (\S+)/.exec(rest[0]!)![1]!;
    const before = await rows();
    await repo.push(
      {
        [peeringFile]: [renamed, ...rest.slice(1)].map((d) => `---\n${d}`).join(''),
        [`${DIR}/moved.yaml`]: first!,
      },
      'move one peering, rename another',
    );
    // The moved one, and the file's later documents, whose document index went down by one.
    expect(await sync()).toMatchObject({ created: 1, updated: 0, moved: rest.length, deleted: 1 });
    const after = await rows();
    expect(after.get(`VPCPeering/${movedName}`)).toMatchObject({
      id: before.get(`VPCPeering/${movedName}`)!.id,
      source_file: `${DIR}/moved.yaml`,
    });
    expect(after.has(`VPCPeering/${oldName}`)).toBe(false);
    expect(after.get('VPCPeering/renamed-peering')!.id).not.toBe(before.get(`VPCPeering/${oldName}`)!.id);
  });

  it('compares with the database, so rows changed behind its back are repaired on the next commit', async () => {
    const before = await rows();
    const [tampered, removed] = [...before.values()].filter((r) => r.kind === 'Server');
    await knex()('record').where('id', tampered!.id).update({ canonical_hash: 'not-the-hash' });
    await knex()('record').where('id', removed!.id).delete();
    const externalFile = Object.keys(files).find((f) => f.includes('-external-'))!;
    await repo.push({ [externalFile]: `${files[externalFile]!}\n# a comment\n` }, 'touch one file');
    expect(await sync()).toMatchObject({ created: 1, updated: 1, deleted: 0 });
    const after = await rows();
    expect(after.get(`Server/${tampered!.name}`)!.canonical_hash).toBe(tampered!.canonical_hash);
    expect(after.has(`Server/${removed!.name}`)).toBe(true);
    expect(after.size).toBe(before.size);
  });
});

/**
 * revertFabric: one new commit restoring the fabric's directory as at an older commit (history
 * stays in Git, other fabrics' directories stay), synced like any write-back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { git as runGit } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { NAMESPACES } from '../write-back/fabric-files.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';

const vpc = (name: string, subnet: string, vlan = 1001) =>
  `apiVersion: vpc.githedgehog.com/v1beta1
kind: VPC
metadata:
  name: ${name}
spec:
  subnets:
    default:
      subnet: ${subnet}
      vlan: ${vlan}
`;

let t: TestApp;
let server: GitServer;
let repo: TestRepo;
let fabricId: string;
const commits: string[] = [];

beforeAll(async () => {
  [t, server] = await Promise.all([startTestApp(), startGitServer()]);
  repo = await server.createRepo('revert', {
    'fabric/namespaces.yaml': NAMESPACES,
    'fabric/vpc-a.yaml': vpc('vpc-a', '10.0.1.0/24'),
    'other/vpc-x.yaml': vpc('vpc-x', '10.9.1.0/24'),
  });
  commits.push(await repo.headCommit());
  commits.push(await repo.push({ 'fabric/vpc-b.yaml': vpc('vpc-b', '10.0.2.0/24', 1002) }, 'add b'));
  commits.push(
    await repo.push(
      {
        'fabric/vpc-a.yaml': vpc('vpc-a', '10.0.3.0/24'),
        'other/vpc-x.yaml': vpc('vpc-x', '10.9.2.0/24'),
      },
      'change a and x',
    ),
  );
  ({ fabricId } = await createFabricWithRepository(t, {
    name: 'rv',
    url: repo.fileUrl,
    directory: 'fabric',
  }));
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const REVERT = `mutation($f: ID!, $c: String!, $o: WriteOptions) {
  revertFabric(fabricId: $f, toCommit: $c, options: $o) { commit branch operation { status } }
}`;

async function vpcs() {
  const { records } = dataOf(
    await t.gql<{
      records: { nodes: { name: string; spec: { subnets: Record<string, { subnet: string }> } }[] };
    }>(`query($f: ID!) { records(fabricId: $f, kind: VPC) { nodes { name spec } } }`, { f: fabricId }),
  );
  return Object.fromEntries(records.nodes.map((n) => [n.name, n.spec.subnets['default']?.subnet]));
}

const treeOf = async (rev: string) => (await runGit(repo.workdir, ['rev-parse', rev])).trim();

describe('revertFabric', () => {
  it('a revert to the first commit is a fourth commit whose directory equals the first, synced', async () => {
    expect(await vpcs()).toEqual({ 'vpc-a': '10.0.3.0/24', 'vpc-b': '10.0.2.0/24' });
    const { revertFabric } = dataOf(
      await t.gql<{ revertFabric: { commit: string; branch: string; operation: { status: string } } }>(
        REVERT,
        { f: fabricId, c: commits[0] },
      ),
    );
    expect(revertFabric.operation.status).toBe('SUCCEEDED');
    await runGit(repo.workdir, ['fetch', '--quiet', 'origin']);
    const head = revertFabric.commit;
    expect(head).toBe(await repo.headCommit());
    expect((await runGit(repo.workdir, ['rev-parse', `${head}^`])).trim()).toBe(commits[2]);
    expect(await treeOf(`${head}:fabric`)).toBe(await treeOf(`${commits[0]}:fabric`));
    expect(await runGit(repo.workdir, ['ls-tree', '-r', '--name-only', head, '--', 'fabric'])).toBe(
      'fabric/namespaces.yaml\nfabric/vpc-a.yaml\n',
    );
    // The other directory stays as it was at the tip, not as at the first commit.
    expect(await treeOf(`${head}:other`)).toBe(await treeOf(`${commits[2]}:other`));
    expect(await vpcs()).toEqual({ 'vpc-a': '10.0.1.0/24' });
  });

  it('a commit the repository does not have is NOT_FOUND; a short or non-hex id BAD_USER_INPUT', async () => {
    const unknown = await t.gql(REVERT, { f: fabricId, c: 'f'.repeat(40) });
    expect(unknown.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    for (const c of ['abc1234', '--upload-pack=touch /tmp/x', 'HEAD~1']) {
      const bad = await t.gql(REVERT, { f: fabricId, c });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toCommit' });
    }
  });

  it('with options.branch, the revert goes to that review branch and the fabric stays as it is', async () => {
    const tip = await repo.headCommit();
    const { revertFabric } = dataOf(
      await t.gql<{ revertFabric: { commit: string; branch: string; operation: null } }>(REVERT, {
        f: fabricId,
        c: commits[1],
        o: { branch: 'review/revert' },
      }),
    );
    expect(revertFabric).toMatchObject({ branch: 'review/revert', operation: null });
    expect(await repo.headCommit('review/revert')).toBe(revertFabric.commit);
    expect(await repo.headCommit()).toBe(tip);
    expect(await vpcs()).toEqual({ 'vpc-a': '10.0.1.0/24' });
  });

  it('a branch that moved past the commit the caller saw is CONFLICT with the current commit', async () => {
    const tip = await repo.headCommit();
    const moved = await t.gql(REVERT, { f: fabricId, c: commits[1], o: { expectedCommit: commits[2] } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentCommit: tip });
    expect(await repo.headCommit()).toBe(tip);
  });
});

/**
 * Write-back round trips: a change becomes a commit in the remote with the expected YAML (comments
 * and other documents kept byte for byte), and the git sync that follows brings it into the records.
 */
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { DIR, NAMESPACES, VPC_1, VPC_2, VPCS, vpcSpec } from './fabric-files.js';

const VPC_API = 'vpc.githedgehog.com/v1beta1';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const idOf = async (fabricId: string, name: string) =>
  (await h.records(fabricId)).find((r) => r.name === name)!.id;

describe('one change per commit', () => {
  let fabric: Awaited<ReturnType<Harness['fabric']>>;
  beforeAll(async () => {
    fabric = await h.fabric('east');
  });

  it('creates: the object is appended to <directory>/vpcs.yaml and becomes a record', async () => {
    const before = await fabric.repo.headCommit();
    const result = await h.service().apply(fabric.fabricId, [
      {
        action: 'CREATE',
        manifest: { kind: 'VPC', name: 'vpc-3', labels: { team: 'green' }, spec: vpcSpec(3, 1003) },
      },
    ]);
    expect(result.commit).toBe(await fabric.repo.headCommit());
    expect(result.branch).toBe('main');
    const file = await fabric.repo.readFile(`${DIR}/vpcs.yaml`);
    expect(file.startsWith(VPCS)).toBe(true);
    expect(parse(file.slice(VPCS.length))).toEqual({
      apiVersion: VPC_API,
      kind: 'VPC',
      metadata: { name: 'vpc-3', labels: { team: 'green' } },
      spec: vpcSpec(3, 1003),
    });
    expect(await fabric.repo.readFile(`${DIR}/namespaces.yaml`)).toBe(NAMESPACES);
    expect(await h.commitInfo(fabric.repo, result.commit)).toEqual({
      author: 'fabric-sync <fabric-sync@localhost>',
      parents: [before],
      message: 'fabric-sync: create VPC vpc-3',
    });
    expect(result.operation).toMatchObject({ type: 'GIT_SYNC', status: 'SUCCEEDED', commit: result.commit });
    expect(result.records[0]).toMatchObject({
      kind: 'VPC',
      name: 'vpc-3',
      labels: { team: 'green' },
      spec: vpcSpec(3, 1003),
      sourceFile: `${DIR}/vpcs.yaml`,
      sourceCommit: result.commit,
    });
  });

  it('updates with a merge patch: comments and the other documents stay as they were', async () => {
    const id = await idOf(fabric.fabricId, 'vpc-1');
    const author = { name: 'Ada Operator', email: 'ada@example.test' };
    const result = await h.service().apply(
      fabric.fabricId,
      [
        {
          action: 'UPDATE',
          recordId: id,
          patch: { labels: { team: null, tier: 'gold' }, spec: { subnets: { default: { vlan: 1011 } } } },
        },
      ],
      { message: 'Move vpc-1 to VLAN 1011', author },
    );
    const file = await fabric.repo.readFile(`${DIR}/vpcs.yaml`);
    const [first] = file.split('\n---\n');
    expect(first).toBe(
      VPC_1.replace('    team: blue # owning team\n', '    tier: gold\n')
        .replace('vlan: 1001', 'vlan: 1011')
        .trimEnd(),
    );
    expect(file).toContain(VPC_2);
    expect(await h.commitInfo(fabric.repo, result.commit)).toMatchObject({
      author: 'Ada Operator <ada@example.test>',
      message: 'Move vpc-1 to VLAN 1011',
    });
    expect(result.records[0]).toMatchObject({
      id,
      labels: { tier: 'gold' },
      spec: vpcSpec(1, 1011),
      sourceCommit: result.commit,
    });
  });

  it('deletes: the document leaves its file and the record leaves the database', async () => {
    const result = await h
      .service()
      .apply(fabric.fabricId, [{ action: 'DELETE', recordId: await idOf(fabric.fabricId, 'vpc-2') }]);
    const file = await fabric.repo.readFile(`${DIR}/vpcs.yaml`);
    expect(file).not.toContain('vpc-2');
    expect(file).toContain('# Tenant VPCs, one document each');
    expect(result.records).toEqual([null]);
    expect(result.operation?.status).toBe('SUCCEEDED');
    expect((await h.records(fabric.fabricId)).map((r) => r.name)).not.toContain('vpc-2');
  });

  it('adopts a live-only object without the fields the cluster and fabric-sync add', async () => {
    const live = {
      apiVersion: VPC_API,
      kind: 'VPC',
      metadata: {
        name: 'vpc-live',
        namespace: 'default',
        uid: '5f1c',
        resourceVersion: '812',
        generation: 2,
        creationTimestamp: '2026-11-01T10:00:00Z',
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
        labels: { 'fabric.githedgehog.com/vpc': 'vpc-live', 'app.kubernetes.io/managed-by': 'fabric-sync' },
      },
      spec: vpcSpec(9, 1009),
      status: { vni: 100 },
    };
    const result = await h
      .service()
      .apply(fabric.fabricId, [{ action: 'ADOPT', kind: 'VPC', name: 'vpc-live', live }]);
    const docs = (await fabric.repo.readFile(`${DIR}/vpcs.yaml`)).split('\n---\n').map((d) => parse(d));
    expect(docs.at(-1)).toEqual({
      apiVersion: VPC_API,
      kind: 'VPC',
      metadata: { name: 'vpc-live', namespace: 'default' },
      spec: vpcSpec(9, 1009),
    });
    expect(await h.commitInfo(fabric.repo, result.commit)).toMatchObject({
      message: 'fabric-sync: adopt VPC vpc-live',
    });
    expect(result.records[0]).toMatchObject({ name: 'vpc-live', sourceCommit: result.commit });
  });
});

describe('several edits in one commit', () => {
  it('creates, updates and deletes together, with one commit listing every change', async () => {
    const { repo, fabricId } = await h.fabric('west');
    const before = await repo.headCommit();
    const result = await h.service().apply(fabricId, [
      { action: 'CREATE', manifest: { kind: 'VPC', name: 'vpc-3', spec: vpcSpec(3, 1003) } },
      {
        action: 'CREATE',
        manifest: {
          kind: 'VPCPeering',
          name: 'vpc-1--vpc-3',
          spec: { permit: [{ 'vpc-1': {}, 'vpc-3': {} }] },
        },
      },
      {
        action: 'UPDATE',
        recordId: await idOf(fabricId, 'vpc-1'),
        patch: { annotations: { owner: 'net-team' } },
      },
      { action: 'DELETE', recordId: await idOf(fabricId, 'vpc-2') },
    ]);
    const info = await h.commitInfo(repo, result.commit);
    expect(info.parents).toEqual([before]);
    expect(info.message).toBe(
      [
        'fabric-sync: 4 changes to fabric west',
        '',
        '- create VPC vpc-3',
        '- create VPCPeering vpc-1--vpc-3',
        '- update VPC vpc-1',
        '- delete VPC vpc-2',
      ].join('\n'),
    );
    expect(parse(await repo.readFile(`${DIR}/vpcpeerings.yaml`))).toMatchObject({
      metadata: { name: 'vpc-1--vpc-3' },
    });
    expect(result.records.map((r) => r?.name ?? null)).toEqual(['vpc-3', 'vpc-1--vpc-3', 'vpc-1', null]);
    expect(result.records[2]?.annotations).toEqual({ owner: 'net-team' });
    expect((await h.records(fabricId)).map((r) => `${r.kind}/${r.name}`)).toEqual([
      'IPv4Namespace/default',
      'VLANNamespace/default',
      'VPC/vpc-1',
      'VPC/vpc-3',
      'VPCPeering/vpc-1--vpc-3',
    ]);
  });
});

describe('a stale source file', () => {
  it('finds the object where Git has it now, not where the record last saw it', async () => {
    const { repo, fabricId } = await h.fabric('moved');
    await repo.push(
      { [`${DIR}/vpcs.yaml`]: VPC_2, [`${DIR}/moved/vpc-1.yaml`]: VPC_1 },
      'move vpc-1 to its own file',
    );
    const id = await idOf(fabricId, 'vpc-1');
    const result = await h
      .service()
      .apply(fabricId, [
        { action: 'UPDATE', recordId: id, patch: { spec: { subnets: { default: { vlan: 1021 } } } } },
      ]);
    expect(await repo.readFile(`${DIR}/vpcs.yaml`)).toBe(VPC_2);
    expect(await repo.readFile(`${DIR}/moved/vpc-1.yaml`)).toBe(VPC_1.replace('vlan: 1001', 'vlan: 1021'));
    expect(result.records[0]).toMatchObject({
      id,
      sourceFile: `${DIR}/moved/vpc-1.yaml`,
      spec: vpcSpec(1, 1021),
    });
  });
});

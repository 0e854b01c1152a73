/**
 * Apply and drift check against the test kube-apiserver with the fabric's webhooks emulated:
 * objects equal their records, a second apply writes nothing, and drift shows real changes only.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../src/cluster/index.js';
import { formatRef } from '../../src/domain/kinds.js';
import { FROM_OLDEST } from '../../src/events/index.js';
import { DriftDifference, DriftReport, Fabric, type Operation } from '../../src/store/entities/index.js';
import { generateFabric } from '../support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { gvr, liveHashes, liveObjects } from './live.js';

const stage = (op: Operation, name: string) => op.stages.find((s) => s.name === name);

describe('apply and drift of a generated fabric', () => {
  let h: SyncHarness;
  let fabric: Fabric;
  const manifests = generateFabric();

  beforeAll(async () => {
    h = await startSyncHarness();
    fabric = await h.createFabric({ name: 'east' });
    await h.seedRecords(fabric.id, manifests);
  }, 60_000);
  afterAll(() => h?.close());

  it('applies every record; each live object hashes like its record and carries the ownership labels', async () => {
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    expect(stage(op, 'APPLY')?.counts).toMatchObject({ created: manifests.length, failed: 0 });
    const live = await liveObjects(h.api);
    const hashes = await liveHashes(h.api);
    for (const record of await h.records(fabric.id)) {
      const key = formatRef(record);
      expect(record.state, key).toBe('APPLIED');
      expect(hashes.get(key), key).toBe(record.canonicalHash);
      expect(record.liveHash).toBe(record.canonicalHash);
      expect(record.liveResourceVersion).toBe(live.get(key)?.metadata.resourceVersion);
      expect(live.get(key)?.metadata.labels).toMatchObject({
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [FABRIC_LABEL]: 'east',
      });
    }
  });

  it('a second apply writes nothing to the cluster', async () => {
    const before = h.kube.resourceVersion;
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status).toBe('SUCCEEDED');
    expect(stage(op, 'PLAN')?.counts).toMatchObject({ toApply: 0, unchanged: manifests.length });
    expect(h.kube.resourceVersion).toBe(before);
  });

  it('finds no drift right after apply, though the webhooks added their defaults', async () => {
    const live = await liveObjects(h.api);
    const attachment = [...live.values()].find((o) => o.kind === 'VPCAttachment');
    expect(attachment?.metadata.labels?.['fabric.githedgehog.com/vpc']).toBeTruthy(); // a webhook wrote it
    const events = h.events.subscribe('driftReports', fabric.id, { after: FROM_OLDEST });
    const op = await h.run(fabric.id, 'DRIFT_CHECK');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    const report = await h.db.orm.em.fork().findOneOrFail(DriftReport, { operationId: op.id });
    expect(report.counts).toMatchObject({
      inSync: manifests.length,
      modified: 0,
      missing: 0,
      orphaned: 0,
      differences: 0,
    });
    expect(report.score).toBe(0);
    expect((await h.fabric(fabric.id)).syncStatus).toBe('IN_SYNC');
    expect((await h.records(fabric.id)).every((r) => r.state === 'IN_SYNC')).toBe(true);
    const published = await events.next();
    expect(published.value?.payload).toMatchObject({ reportId: report.id, score: 0 });
    await events.return();
  });

  it('a second drift check stores its report but rewrites no record that stayed in sync', async () => {
    const stamps = (records: Awaited<ReturnType<SyncHarness['records']>>) =>
      new Map(records.map((r) => [r.id, r.updatedAt.getTime()]));
    const before = stamps(await h.records(fabric.id));
    const op = await h.run(fabric.id, 'DRIFT_CHECK');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    const report = await h.db.orm.em.fork().findOneOrFail(DriftReport, { operationId: op.id });
    expect(report.counts).toMatchObject({ inSync: manifests.length, differences: 0 });
    expect(stamps(await h.records(fabric.id))).toEqual(before);
  });

  describe('after changes made in the cluster', () => {
    let report: DriftReport;
    let differences: DriftDifference[];
    const vpc = manifests.find((m) => m.kind === 'VPC')!;
    const server = manifests.find((m) => m.kind === 'Server')!;
    const sw = manifests.find((m) => m.kind === 'Switch')!;
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

    beforeAll(async () => {
      await h.api.patchNamespacedCustomObject(
        {
          ...gvr('VPC'),
          name: vpc.metadata.name,
          body: { spec: { subnets: { 'subnet-1': { vlan: 1999 } } } },
        },
        merge,
      );
      await h.api.patchNamespacedCustomObject(
        { ...gvr('Switch'), name: sw.metadata.name, body: { metadata: { labels: { team: 'blue' } } } },
        merge,
      );
      await h.api.deleteNamespacedCustomObject({ ...gvr('Server'), name: server.metadata.name });
      const owned = (name: string, fabricName: string) => ({
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'VLANNamespace',
        metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: fabricName } },
        spec: { ranges: [{ from: 100, to: 200 }] },
      });
      await h.api.createNamespacedCustomObject({ ...gvr('VLANNamespace'), body: owned('extra', 'east') });
      await h.api.createNamespacedCustomObject({ ...gvr('VLANNamespace'), body: owned('theirs', 'west') });
      const unowned = { ...owned('hand-made', 'east'), metadata: { name: 'hand-made' } };
      await h.api.createNamespacedCustomObject({ ...gvr('VLANNamespace'), body: unowned });
      const op = await h.run(fabric.id, 'DRIFT_CHECK');
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      const em = h.db.orm.em.fork();
      report = await em.findOneOrFail(DriftReport, { operationId: op.id });
      differences = await em.find(DriftDifference, { report: report.id }, { orderBy: { position: 'asc' } });
    }, 30_000);

    const find = (name: string, path = '') => differences.find((d) => d.name === name && d.path === path);

    it('reports the changed VLAN with its exact path, desired and live values', () => {
      expect(find(vpc.metadata.name, 'spec.subnets.subnet-1.vlan')).toMatchObject({
        driftType: 'MODIFIED',
        kind: 'VPC',
        desired: 1000,
        live: 1999,
      });
    });

    it('reports the added label', () => {
      expect(find(sw.metadata.name, 'metadata.labels.team')).toMatchObject({
        driftType: 'MODIFIED',
        desired: null,
        live: 'blue',
      });
    });

    it('reports the deleted object as MISSING and the extra owned one as ORPHANED', () => {
      expect(find(server.metadata.name)).toMatchObject({ driftType: 'MISSING', kind: 'Server' });
      expect(find('extra')).toMatchObject({ driftType: 'ORPHANED', kind: 'VLANNamespace', recordId: null });
    });

    it("never reports another fabric's object or an unowned one", () => {
      expect(differences.filter((d) => d.name === 'theirs' || d.name === 'hand-made')).toEqual([]);
      expect(report.counts).toMatchObject({ modified: 2, missing: 1, orphaned: 1, differences: 4 });
      expect(report.score).toBeGreaterThan(0);
    });

    it('marks the records DRIFTED and MISSING and the fabric OUT_OF_SYNC', async () => {
      const records = await h.records(fabric.id);
      const state = (name: string, kind: string) =>
        records.find((r) => r.name === name && r.kind === kind)?.state;
      expect(state(vpc.metadata.name, 'VPC')).toBe('DRIFTED');
      expect(state(sw.metadata.name, 'Switch')).toBe('DRIFTED');
      expect(state(server.metadata.name, 'Server')).toBe('MISSING');
      expect((await h.fabric(fabric.id)).syncStatus).toBe('OUT_OF_SYNC');
    });

    it('a dry run returns the would-be changes and writes nothing', async () => {
      const before = h.kube.resourceVersion;
      const op = await h.run(fabric.id, 'APPLY', { dryRun: true });
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      expect(h.kube.resourceVersion).toBe(before);
      const changes = (op.result?.['changes'] ?? []) as {
        name: string;
        action: string;
        differences?: { path: string }[];
      }[];
      expect(changes.find((c) => c.name === server.metadata.name)?.action).toBe('CREATED');
      const vpcChange = changes.find((c) => c.name === vpc.metadata.name);
      expect(vpcChange?.action).toBe('CONFIGURED');
      expect(vpcChange?.differences?.map((d) => d.path)).toEqual(['spec.subnets.subnet-1.vlan']);
    });

    it("apply with prune restores the cluster and deletes only this fabric's orphan", async () => {
      await h.db.orm.em.fork().nativeUpdate(Fabric, { id: fabric.id }, { prune: true });
      const op = await h.run(fabric.id, 'APPLY');
      expect(op.status, op.message ?? '').toBe('SUCCEEDED');
      expect(stage(op, 'PRUNE')?.counts).toMatchObject({ deleted: 1 });
      const live = await liveObjects(h.api);
      expect(live.has('VLANNamespace/default/extra')).toBe(false);
      expect(live.has('VLANNamespace/default/theirs')).toBe(true);
      expect(live.has('VLANNamespace/default/hand-made')).toBe(true);
      expect(live.has(`Server/default/${server.metadata.name}`)).toBe(true);
      const restored = live.get(`VPC/default/${vpc.metadata.name}`)?.spec as {
        subnets: Record<string, { vlan: number }>;
      };
      expect(restored.subnets['subnet-1']?.vlan).toBe(1000);
    });
  });
});

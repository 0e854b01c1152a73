/**
 * Drift ignore rules against the test kube-apiserver: a field another manager changed is MODIFIED
 * until a rule names it; then the drift check is IN_SYNC and counts it as ignored, and the apply
 * plan leaves the object alone.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDriftIgnoreRules, type DriftIgnoreRule } from '../../src/domain/drift-ignore.js';
import { DriftDifference, DriftReport, Fabric, type Operation } from '../../src/store/entities/index.js';
import { generateFabric } from '../support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { gvr } from './live.js';

describe('drift ignore rules', () => {
  let h: SyncHarness;
  let fabric: Fabric;
  const manifests = generateFabric();
  const vpc = manifests.find((m) => m.kind === 'VPC')!;
  const sw = manifests.find((m) => m.kind === 'Switch')!;

  const setRules = async (rules: DriftIgnoreRule[]) => {
    await h.db.orm.em
      .fork()
      .nativeUpdate(Fabric, { id: fabric.id }, { driftIgnore: validateDriftIgnoreRules(rules) });
  };
  const check = async () => {
    const op = await h.run(fabric.id, 'DRIFT_CHECK');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    const em = h.db.orm.em.fork();
    const report = await em.findOneOrFail(DriftReport, { operationId: op.id });
    const differences = await em.find(DriftDifference, { report: report.id });
    return { report, paths: differences.map((d) => `${d.name} ${d.path}`) };
  };
  const planned = (op: Operation) => op.stages.find((s) => s.name === 'PLAN')?.counts;

  beforeAll(async () => {
    h = await startSyncHarness();
    fabric = await h.createFabric({ name: 'east' });
    await h.seedRecords(fabric.id, manifests);
    expect((await h.run(fabric.id, 'APPLY')).status).toBe('SUCCEEDED');
    const byOther = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await h.api.patchNamespacedCustomObject(
      { ...gvr('Switch'), name: sw.metadata.name, body: { metadata: { labels: { team: 'blue' } } } },
      byOther,
    );
    await h.api.patchNamespacedCustomObject(
      { ...gvr('VPC'), name: vpc.metadata.name, body: { spec: { subnets: { 'subnet-1': { vlan: 1999 } } } } },
      byOther,
    );
  }, 60_000);
  afterAll(() => h?.close());

  it('without rules, both fields changed by another manager are MODIFIED', async () => {
    const { report, paths } = await check();
    expect(paths.sort()).toEqual(
      [`${sw.metadata.name} metadata.labels.team`, `${vpc.metadata.name} spec.subnets.subnet-1.vlan`].sort(),
    );
    expect(report.counts).toMatchObject({ modified: 2, ignored: 0 });
  });

  it('a rule limited to other names, or * standing for two segments, ignores nothing', async () => {
    await setRules([
      { kinds: ['Switch'], names: ['not-this-switch'], paths: ['metadata.labels.team'] },
      { kinds: ['Switch'], paths: ['metadata.annotations'] },
      { kinds: ['VPC'], paths: ['spec.*.vlan'] },
    ]);
    const { report } = await check();
    expect(report.counts).toMatchObject({ modified: 2, ignored: 0 });
  });

  it('with both paths ignored, the check is IN_SYNC with score 0 and counts what it ignored; apply leaves them', async () => {
    await setRules([
      {
        kinds: ['Switch'],
        names: [sw.metadata.name],
        paths: ['metadata.labels["team"]'],
        reason: 'inventory',
      },
      { kinds: ['VPC'], paths: ['spec.subnets.*.vlan'] },
    ]);
    const { report, paths } = await check();
    expect(paths).toEqual([]);
    expect(report.score).toBe(0);
    expect(report.counts).toMatchObject({ modified: 0, inSync: manifests.length, ignored: 2 });
    expect((await h.fabric(fabric.id)).syncStatus).toBe('IN_SYNC');
    const before = h.kube.resourceVersion;
    const op = await h.run(fabric.id, 'APPLY');
    expect(planned(op)).toMatchObject({ toApply: 0 });
    expect(h.kube.resourceVersion).toBe(before);
  });

  it('rules concerning one kind leave the same path of another kind counted', async () => {
    await setRules([{ kinds: ['VPC'], paths: ['spec.subnets.*.vlan', 'metadata.labels.team'] }]);
    const { report, paths } = await check();
    expect(paths).toEqual([`${sw.metadata.name} metadata.labels.team`]);
    expect(report.counts).toMatchObject({ modified: 1, ignored: 1 });
  });
});

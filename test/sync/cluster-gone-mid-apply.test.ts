/**
 * A cluster that goes away in the middle of an APPLY (after PLAN listed it): the operation fails
 * at once with one error naming the server and the failure, not one error per object after each
 * object's own retries (before: 200 errors, each after 8 attempts).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { startSyncHarness, type SyncHarness } from './harness.js';

const vpcs: Manifest[] = Array.from({ length: 200 }, (_, i) => ({
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  kind: 'VPC',
  metadata: { name: `gone-${i}`, namespace: 'default' },
  spec: { subnets: { 'subnet-1': { subnet: `10.${i >> 8}.${i & 255}.0/24`, vlan: 1000 + i } } },
}));

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
}, 60_000);
afterAll(() => h?.close());

it('fails the APPLY with one error naming the server when the cluster goes away mid-apply', async () => {
  const fabric = await h.createFabric({ name: 'gone' });
  await h.seedRecords(fabric.id, vpcs);
  let stopping: Promise<void> | undefined;
  // The first object the cluster admits takes the API server down: PLAN has listed, APPLY has begun.
  h.kube.hooks.addMutating('VPC', () => void (stopping ??= h.kube.stop()));
  try {
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status).toBe('FAILED');
    expect(op.message).toContain(`cluster of fabric gone: Unreachable: ${h.kube.url}`);
    expect(op.message).toMatch(
      /connection attempts? (in a row )?failed \(last: .*(ECONNREFUSED|ECONNRESET|socket hang up)/,
    );
    expect(op.errors).toHaveLength(1);
    expect(op.errorCount).toBe(1);
    expect((await h.fabric(fabric.id)).connectionStatus).toBe('UNREACHABLE');
    expect(op.stages.find((s) => s.name === 'PLAN')?.status).toBe('SUCCEEDED');
    expect(op.stages.find((s) => s.name === 'APPLY')?.status).toBe('FAILED');
  } finally {
    await stopping;
    h.kube.hooks.clear();
    await h.kube.start();
  }
});

/** Apply under faults: retries, a webhook denial, an unreachable cluster, a refused token; and the connection test. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FROM_OLDEST } from '../../src/events/index.js';
import { testFabricConnection } from '../../src/sync/fabric-connection.js';
import { generateFabric } from '../support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { liveObjects } from './live.js';

const manifests = generateFabric({
  seed: 7,
  leafPairs: 1,
  serversPerPair: 4,
  vpcs: 2,
  peerings: 1,
  externals: 1,
});

describe('apply under faults', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  }, 60_000);
  afterEach(() => {
    h.kube.faults.clear();
    h.kube.hooks.clear();
  });
  afterAll(() => h?.close());

  const seeded = async (name: string, token?: string) => {
    const fabric = await h.createFabric({ name, ...(token ? { token } : {}) });
    await h.seedRecords(fabric.id, manifests);
    return fabric;
  };

  it('completes through 503/429 bursts and latency by retrying', async () => {
    const fabric = await seeded('bursty');
    h.kube.faults.setLatency(3);
    h.kube.faults.failRequests({ status: 503, count: 15, retryAfterSeconds: 0 });
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status, op.message ?? '').toBe('SUCCEEDED');
    h.kube.faults.failRequests({ status: 429, count: 15, retryAfterSeconds: 0 });
    const drift = await h.run(fabric.id, 'DRIFT_CHECK');
    expect(drift.status, drift.message ?? '').toBe('SUCCEEDED');
    expect((await h.records(fabric.id)).every((r) => r.state === 'IN_SYNC')).toBe(true);
  });

  it('a webhook denial fails that record with the message; the others are applied', async () => {
    const target = manifests.find((m) => m.kind === 'Server')!.metadata.name;
    h.kube.hooks.addValidating('Server', (req) =>
      req.object.metadata?.name === target
        ? { code: 403, message: `server ${target} is locked by the test` }
        : undefined,
    );
    const fabric = await h.createFabric({ name: 'denied' });
    await h.seedRecords(fabric.id, manifests);
    // objects are shared with the 'bursty' fabric's cluster: take them over
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status).toBe('FAILED');
    expect(op.errors).toEqual([
      expect.objectContaining({
        kind: 'Server',
        name: target,
        message: expect.stringContaining('is locked by the test'),
      }),
    ]);
    const records = await h.records(fabric.id);
    const denied = records.find((r) => r.kind === 'Server' && r.name === target);
    expect(denied?.state).toBe('ERROR');
    expect(denied?.stateMessage).toContain(`Server/default/${target}`);
    expect(records.filter((r) => r !== denied).every((r) => r.state === 'APPLIED')).toBe(true);
  });

  it('an unreachable cluster fails the operation, marks the fabric UNREACHABLE and leaves the records alone', async () => {
    const fabric = await seeded('offline');
    const before = (await h.records(fabric.id)).map((r) => [
      r.id,
      r.state,
      r.liveResourceVersion,
      r.updatedAt.getTime(),
    ]);
    await h.kube.stop();
    try {
      const op = await h.run(fabric.id, 'APPLY');
      expect(op.status).toBe('FAILED');
      expect(op.message).toMatch(/Unreachable/);
      const drift = await h.run(fabric.id, 'DRIFT_CHECK');
      expect(drift.status).toBe('FAILED');
    } finally {
      await h.kube.start();
    }
    const stored = await h.fabric(fabric.id);
    expect(stored.connectionStatus).toBe('UNREACHABLE');
    expect(stored.syncStatus).toBe('NEVER_SYNCED');
    const after = (await h.records(fabric.id)).map((r) => [
      r.id,
      r.state,
      r.liveResourceVersion,
      r.updatedAt.getTime(),
    ]);
    expect(after).toEqual(before);
  });

  it('a refused token fails the operation and marks the fabric UNAUTHORIZED', async () => {
    const fabric = await seeded('refused', 'wrong-token-123456');
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status).toBe('FAILED');
    expect((await h.fabric(fabric.id)).connectionStatus).toBe('UNAUTHORIZED');
  });

  it('testFabricConnection stores and publishes the status', async () => {
    const fabric = await h.createFabric({ name: 'probe' });
    const events = h.events.subscribe('fabricStatus', fabric.id, { after: FROM_OLDEST });
    const result = await testFabricConnection(h.deps, fabric.id);
    expect(result).toMatchObject({ status: 'CONNECTED', missingCrds: [] });
    const stored = await h.fabric(fabric.id);
    expect([stored.connectionStatus, stored.connectionMessage]).toEqual(['CONNECTED', result.message]);
    expect((await events.next()).value?.payload).toMatchObject({
      fabricId: fabric.id,
      connectionStatus: 'CONNECTED',
    });
    await events.return();
  });

  it('never touches objects it was not asked to: the cluster keeps every object after failures', async () => {
    const live = await liveObjects(h.api);
    expect(live.size).toBe(manifests.length);
  });
});

/**
 * Operations started back to back on one fabric: the next start may come while the previous
 * operation has published its end but not yet let go of the fabric's lock. It must wait for the
 * hand-over, not fail with "locked by another replica".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '../../src/domain/states.js';
import { FROM_OLDEST } from '../../src/events/index.js';
import type { Fabric } from '../../src/store/entities/index.js';
import { generateFabric } from '../support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from './harness.js';

describe('operations started as soon as the previous one ends', () => {
  let h: SyncHarness;
  let fabric: Fabric;

  beforeAll(async () => {
    h = await startSyncHarness();
    fabric = await h.createFabric({ name: 'handover' });
    await h.seedRecords(fabric.id, generateFabric({ seed: 9, leafPairs: 1, serversPerPair: 2, vpcs: 1 }));
    expect((await h.run(fabric.id, 'APPLY')).status).toBe('SUCCEEDED');
  }, 60_000);
  afterAll(async () => h?.close());

  /** Starts the next operation in the same tick as the previous one's final event arrives. */
  async function startOnEnd(operationId: string): Promise<{ ended: string; next: string }> {
    const progress = h.events.subscribe('operationProgress', operationId, { after: FROM_OLDEST });
    try {
      for await (const { payload } of progress)
        if (isTerminal(payload.status)) {
          const next = await h.operations.start({ fabricId: fabric.id, type: 'DRIFT_CHECK' });
          return { ended: payload.status, next: next.id };
        }
    } finally {
      await progress.return();
    }
    throw new Error(`operation ${operationId} never ended`);
  }

  it('each start waits for the lock to change hands, then runs its own operation', async () => {
    let current = (await h.operations.start({ fabricId: fabric.id, type: 'DRIFT_CHECK' })).id;
    const seen = new Set([current]);
    for (let i = 0; i < 5; i++) {
      const { ended, next } = await startOnEnd(current);
      expect(ended).toBe('SUCCEEDED');
      current = next;
      seen.add(current);
    }
    expect(seen.size).toBe(6);
    expect((await h.run(fabric.id, 'DRIFT_CHECK')).status).toBe('SUCCEEDED');
  });
});

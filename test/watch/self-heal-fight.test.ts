/**
 * Issue 17, selfHeal against another manager: a controller of the test's own puts a field of one VPC
 * back to its value each time self-heal restores Git's. Healing stops after three heals of that
 * object (within ten minutes) instead of looping, and the drift report says who keeps changing
 * which field; the other records still heal.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEAL_LIMITS } from '../../src/sync/self-heal/heal-history.js';
import { dataOf } from '../support/app.js';
import { gvr } from '../sync/live.js';
import {
  HEAL_DEBOUNCE_MS,
  selfHeals,
  setSelfHeal,
  stageCount,
  startHealStack,
  waitForOperations,
  type HealStack,
} from './heal-support.js';

const VPC = { ...gvr('VPC'), name: 'vpc-1' };
const PATH = 'spec.subnets.subnet-1.vlan';
const ROGUE_VLAN = 1050;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Another controller's reconcile loop: whenever the VLAN is not its value, it writes it back. */
function startRogueController(h: HealStack) {
  let running = true;
  let writes = 0;
  const loop = (async () => {
    while (running) {
      const vpc = (await h.stack.api.getNamespacedCustomObject(VPC)) as {
        spec: { subnets: Record<string, { vlan: number }> };
      };
      if (vpc.spec.subnets['subnet-1']?.vlan !== ROGUE_VLAN) {
        await h.stack.api.patchNamespacedCustomObject(
          {
            ...VPC,
            fieldManager: 'rogue-controller',
            body: { spec: { subnets: { 'subnet-1': { vlan: ROGUE_VLAN } } } },
          },
          merge,
        );
        writes += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    get writes() {
      return writes;
    },
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

describe('self-heal against another manager', () => {
  let h: HealStack;
  beforeAll(async () => {
    h = await startHealStack('fight');
    await setSelfHeal(h, true);
  }, 120_000);
  afterAll(() => h?.stack.close());

  it('stops healing an object after three heals and says why in the drift report, instead of looping', async () => {
    const { maxHeals } = DEFAULT_HEAL_LIMITS;
    const rogue = startRogueController(h);
    try {
      const ops = await waitForOperations(
        h,
        (all) =>
          all.some(
            (op) =>
              op.type === 'SELF_HEAL' &&
              op.status !== 'RUNNING' &&
              stageCount(op, 'PLAN', 'healingStopped') === 1,
          ),
        'a SELF_HEAL operation that stops healing vpc-1',
        60_000,
      );
      const heals = ops.filter((op) => op.type === 'SELF_HEAL');
      expect(heals.every((op) => op.trigger === 'WATCH' && op.status === 'SUCCEEDED')).toBe(true);
      // Newest first: the stopping one, then the heals that re-applied vpc-1.
      expect(heals.slice(1).map((op) => stageCount(op, 'APPLY', 'configured'))).toEqual(
        Array.from({ length: maxHeals }, () => 1),
      );
      expect(stageCount(heals[0]!, 'APPLY', 'configured')).toBe(0);

      // Drift keeps coming from the rogue's side only if something fights it: nothing does any more.
      const writes = rogue.writes;
      await new Promise((resolve) => setTimeout(resolve, 10 * HEAL_DEBOUNCE_MS));
      expect(rogue.writes).toBe(writes);
      expect(await selfHeals(h)).toHaveLength(maxHeals + 1);
    } finally {
      await rogue.stop();
    }

    const { fabric } = dataOf(
      await h.stack.t.gql<{
        fabric: {
          syncStatus: string;
          drift: { differences: { nodes: { name: string; path: string; healingStopped: string | null }[] } };
        };
      }>(
        `query($id: ID!) { fabric(id: $id) { syncStatus
           drift { differences(first: 50) { nodes { name path healingStopped } } } } }`,
        { id: h.fabricId },
      ),
    );
    expect(fabric.syncStatus).toBe('OUT_OF_SYNC');
    expect(fabric.drift.differences.nodes).toEqual([
      {
        name: 'vpc-1',
        path: PATH,
        healingStopped: expect.stringMatching(
          new RegExp(`^healing stopped: rogue-controller keeps changing ${PATH.replaceAll('.', '\\.')} `),
        ),
      },
    ]);
  }, 120_000);
});

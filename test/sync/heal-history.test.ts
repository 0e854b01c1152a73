/** When self-heal calls drift a fight (src/sync/self-heal/heal-history.ts): the rule alone, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { HealHistory } from '../../src/sync/self-heal/heal-history.js';

const limits = { maxHeals: 3, windowMs: 10 * 60_000 };

function history() {
  let now = 0;
  const heals = new HealHistory(limits, () => now);
  return { heals, advance: (ms: number) => void (now += ms) };
}

describe('HealHistory', () => {
  const record = { id: 'r1', canonicalHash: 'h1' };

  it('stops after maxHeals heals within the window, and stays stopped', () => {
    const { heals, advance } = history();
    for (let i = 0; i < limits.maxHeals; i++) {
      expect(heals.fighting(record)).toBe(false);
      heals.healed(record);
      advance(60_000);
    }
    expect(heals.fighting(record)).toBe(true);
    expect(heals.stopped(record.id)).toBe(true);
    advance(limits.windowMs); // the heals leave the window; the fight does not end by itself
    expect(heals.fighting(record)).toBe(true);
  });

  it('does not count heals older than the window', () => {
    const { heals, advance } = history();
    for (let i = 0; i < 2 * limits.maxHeals; i++) {
      expect(heals.fighting(record)).toBe(false);
      heals.healed(record);
      advance(limits.windowMs / 2);
    }
  });

  it('heals again once the desired object changes', () => {
    const { heals } = history();
    for (let i = 0; i < limits.maxHeals; i++) heals.healed(record);
    expect(heals.fighting(record)).toBe(true);
    expect(heals.fighting({ ...record, canonicalHash: 'h2' })).toBe(false);
    expect(heals.stopped(record.id)).toBe(false);
  });
});

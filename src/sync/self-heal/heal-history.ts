/**
 * What this replica remembers of the heals it ran, per record: when, and for which desired object.
 * A record healed `maxHeals` times within `windowMs` that drifts again is being changed back by
 * another manager; healing it once more would only continue the fight, so it stops until the desired
 * object changes (a new hash from Git). In memory: only the replica that watches a fabric heals it,
 * and a replica taking a fabric over starts with a clean slate (at most `maxHeals` more heals).
 */
export interface HealLimits {
  readonly maxHeals: number;
  readonly windowMs: number;
}

export const DEFAULT_HEAL_LIMITS: HealLimits = { maxHeals: 3, windowMs: 10 * 60_000 };

interface Heals {
  /** The desired object these heals applied. */
  readonly hash: string;
  times: number[];
  stopped: boolean;
}

export interface HealCandidate {
  readonly id: string;
  readonly canonicalHash: string;
}

export class HealHistory {
  private readonly byRecord = new Map<string, Heals>();

  constructor(
    readonly limits: HealLimits = DEFAULT_HEAL_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether healing `record` once more would continue a fight (and so it stops, until its desired object changes). */
  fighting(record: HealCandidate): boolean {
    const heals = this.current(record);
    if (!heals) return false;
    const since = this.now() - this.limits.windowMs;
    heals.times = heals.times.filter((t) => t > since);
    heals.stopped ||= heals.times.length >= this.limits.maxHeals;
    return heals.stopped;
  }

  /** Whether healing stopped for this record id, whatever its desired object (the trigger's quick check). */
  stopped(recordId: string): boolean {
    return this.byRecord.get(recordId)?.stopped ?? false;
  }

  healed(record: HealCandidate): void {
    const heals = this.current(record) ?? { hash: record.canonicalHash, times: [], stopped: false };
    heals.times.push(this.now());
    this.byRecord.set(record.id, heals);
  }

  /** The record's heals for its current desired object; a new one starts over. */
  private current(record: HealCandidate): Heals | undefined {
    const heals = this.byRecord.get(record.id);
    if (heals?.hash === record.canonicalHash) return heals;
    this.byRecord.delete(record.id);
    return undefined;
  }
}

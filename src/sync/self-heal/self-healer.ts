/**
 * The trigger of one fabric's self-heal, on the replica that watches it: drift seen by the watch
 * starts a SELF_HEAL operation (trigger WATCH) `debounceMs` after the first drift, so a burst of
 * deletions is one heal. Nothing starts while the fabric's selfHeal is
 * off, or when every drifted record is one whose healing stopped (a fight). An operation already
 * running on the fabric (another heal too: its plan may be past these records) is waited out: the
 * heal is tried again one debounce later.
 */
import type { Logger } from 'pino';
import { isFabricSuspended } from '../../domain/suspension.js';
import type { OperationService } from '../operation-service.js';
import type { HealHistory } from './heal-history.js';

export interface SelfHealerDeps {
  readonly operations: Pick<OperationService, 'start'>;
  readonly history: Pick<HealHistory, 'stopped'>;
  /** Read when a heal is due: the setting may have changed since the watch began. */
  readonly selfHeals: (fabricId: string) => Promise<boolean>;
  readonly debounceMs: number;
  readonly log: Logger;
}

export class SelfHealer {
  private timer: NodeJS.Timeout | undefined;
  private drifted = new Set<string>();
  private stopped = false;
  /** The SELF_HEAL operation this trigger started last: being handed it again means it was joined. */
  private lastHeal: string | undefined;

  constructor(
    private readonly fabricId: string,
    private readonly deps: SelfHealerDeps,
  ) {}

  /** The watch saw these records go MISSING or DRIFTED. */
  notice(recordIds: readonly string[]): void {
    for (const id of recordIds) this.drifted.add(id);
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Counted from the first drift, not the last: drift that never pauses must not defer the heal for ever. */
  private arm(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.fire(), this.deps.debounceMs);
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    const { operations, history, selfHeals, log } = this.deps;
    const drifted = [...this.drifted];
    this.drifted.clear();
    try {
      if (drifted.every((id) => history.stopped(id)) || !(await selfHeals(this.fabricId))) return;
      const op = await operations.start({ fabricId: this.fabricId, type: 'SELF_HEAL', trigger: 'WATCH' });
      if (op.type === 'SELF_HEAL' && op.id !== this.lastHeal) return void (this.lastHeal = op.id);
      // Joined a running operation, perhaps our previous heal past its plan: heal after it.
      for (const id of drifted) this.drifted.add(id);
      this.arm();
    } catch (err) {
      // Suspended since the watch began: healing waits for resumeFabric, nothing went wrong.
      if (isFabricSuspended(err))
        return log.debug({ fabricId: this.fabricId }, 'fabric suspended: self-heal not started');
      log.error({ err, fabricId: this.fabricId }, 'could not start self-heal; the next drift tries again');
    }
  }
}

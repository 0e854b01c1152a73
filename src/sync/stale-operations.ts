/**
 * Fails operations whose process is gone (crash, SIGKILL, lost node, a shutdown that ran out of
 * time), so a fabric is never left with an operation marked RUNNING that nothing runs.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { isTerminal } from '../domain/states.js';
import type { EventBus } from '../events/event-bus.js';
import { Operation } from '../store/entities/index.js';
import { OperationFenced } from './operation-fence.js';
import { OperationHandle } from './operation-handle.js';
import type { OperationLocks } from './operation-lock.js';

/** Why an operation was failed by another: its process or its lock session is gone. */
const LOST_LOCK = 'the process running this operation stopped or lost the fabric lock';
const STOPPED = 'the process running this operation stopped';

export interface StaleOperationsOptions {
  readonly orm: MikroORM;
  readonly events: EventBus;
  readonly locks: OperationLocks;
  /** A RUNNING operation whose heartbeat is older than this belongs to a dead process. */
  readonly staleAfterMs: number;
  /** Whether this process runs the fabric's operation (then it is not stale). */
  readonly runsHere: (fabricId: string) => boolean;
}

export class StaleOperations {
  constructor(private readonly options: StaleOperationsOptions) {}

  /**
   * With `holder`, the caller holds that fabric's lock, so every operation still RUNNING there is
   * stale. Without, an operation is stale when its heartbeat stopped, or at once when no session
   * holds its fabric's lock (the process died and PostgreSQL released the lock), so a restart fails
   * its own orphans immediately. Returns how many it failed.
   */
  async failStale(holder?: { readonly fabricId: string; readonly epoch: number }): Promise<number> {
    const em = this.options.orm.em.fork();
    const active = { status: { $in: ['RUNNING', 'QUEUED'] as const } };
    const candidates = await em.find(Operation, holder ? { ...active, fabric: holder.fabricId } : active);
    const cutoff = Date.now() - this.options.staleAfterMs;
    let failed = 0;
    for (const op of candidates) {
      if (!holder && this.options.runsHere(op.fabric.id)) continue; // ours, and running
      const silent = (op.heartbeatAt?.getTime() ?? 0) < cutoff;
      const dead = holder
        ? this.failDead(op, holder.epoch, LOST_LOCK)
        : silent
          ? this.failDead(op, null, STOPPED)
          : this.failIfUnlocked(op);
      if (await dead) failed += 1;
    }
    return failed;
  }

  /**
   * Stores the operation FAILED because `why`; false when it had ended or was failed by someone
   * else meanwhile. `epoch` null: its lock was not taken (a silent heartbeat), so only its status
   * fences the write.
   */
  async failDead(op: Operation, epoch: number | null, why: string): Promise<boolean> {
    if (isTerminal(op.status)) return false;
    const since = op.heartbeatAt?.toISOString() ?? 'its start';
    try {
      await new OperationHandle(op, this.options.orm, this.options.events, epoch).finish(
        'FAILED',
        `${why} (last heartbeat ${since}); start it again`,
      );
    } catch (err) {
      if (err instanceof OperationFenced) return false; // it ended meanwhile, or someone else failed it
      throw err;
    }
    return true;
  }

  /** Its heartbeat is recent: its process is gone only if no session holds its fabric's lock. */
  private async failIfUnlocked(op: Operation): Promise<boolean> {
    const hold = await this.options.locks.take(op.fabric.id);
    if (!hold) return false; // its process is alive and holds the lock
    try {
      // Read again under the lock: the owner may have finished it and let go since the list was read.
      const current = await this.options.orm.em.fork().findOne(Operation, op.id);
      return current ? await this.failDead(current, hold.epoch, LOST_LOCK) : false;
    } finally {
      await hold.lease.release();
    }
  }
}

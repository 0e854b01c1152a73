/**
 * A fabric's operation lock: held by the process running the fabric's operation, for as long as it
 * runs. Every take of it takes a new fencing epoch (operation-fence.ts) that the operation's writes
 * carry; a start that finds it held joins the operation its holder runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AdvisoryLocks, WatchedLease } from '../store/advisory-locks.js';
import { Operation } from '../store/entities/index.js';
import { takeOperationEpoch } from './operation-fence.js';

/** How long (attempts × pause) a start waits for a fabric's lock to change hands. */
const LOCK_HANDOVER_ATTEMPTS = 40;
const LOCK_HANDOVER_PAUSE_MS = 50;
/** How often a running operation asks its lock's session whether it is alive (besides its events). */
const LOCK_CHECK_MS = 250;

/** A lease on the fabric's operation lock and the epoch its take was given. */
export interface Hold {
  readonly lease: WatchedLease;
  readonly epoch: number;
}

/** Held by the process running the fabric's operation, for as long as it runs. */
export const operationLockKey = (fabricId: string): string => `operation:${fabricId}`;

export class OperationLocks {
  constructor(
    private readonly orm: MikroORM,
    private readonly locks: AdvisoryLocks,
  ) {}

  /** The fabric's lock with a new epoch, or null when another session holds the lock. */
  async take(fabricId: string): Promise<Hold | null> {
    const lease = await this.locks.tryAcquireWatched(operationLockKey(fabricId), {
      checkEveryMs: LOCK_CHECK_MS,
    });
    if (!lease) return null;
    try {
      return { lease, epoch: await takeOperationEpoch(this.orm, fabricId) };
    } catch (err) {
      await lease.release();
      throw err;
    }
  }

  /**
   * The fabric's lock, or the id of the operation whose holder runs it (to join). The holder may be
   * between recording its operation's end and letting go of the lock, or between taking it and
   * recording a new one: both last milliseconds, so look again for a moment before giving up.
   */
  async acquireOrJoin(fabricId: string): Promise<Hold | string> {
    for (let attempt = 0; ; attempt++) {
      const hold = await this.take(fabricId);
      if (hold) return hold;
      const active = await this.orm.em
        .fork()
        .findOne(
          Operation,
          { fabric: fabricId, status: { $in: ['RUNNING', 'QUEUED'] } },
          { orderBy: { createdAt: 'desc' } },
        );
      if (active) return active.id;
      if (attempt === LOCK_HANDOVER_ATTEMPTS)
        throw new Error(
          `fabric ${fabricId} is locked by another replica that has not recorded its operation yet; retry`,
        );
      await sleep(LOCK_HANDOVER_PAUSE_MS);
    }
  }
}

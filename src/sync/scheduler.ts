/**
 * Interval polling (architecture §7, §9): every fabric with `syncIntervalSeconds > 0` is run on that
 * interval by exactly one replica, the one holding its session advisory lock `schedule:<fabricId>`.
 * Fabrics are rescanned periodically, so new, changed and deleted fabrics are picked up, and a
 * replica that lost its database session gives the fabric up for another to take. A suspended
 * fabric has no schedule: the next rescan gives it up (its lock too), and resuming claims it again.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { isFabricSuspended } from '../domain/suspension.js';
import type { OperationType } from '../domain/states.js';
import type { AdvisoryLocks, Lease } from '../store/advisory-locks.js';
import { Fabric } from '../store/entities/index.js';
import type { OperationService } from './operation-service.js';
import { RescanLoop } from './rescan-loop.js';

export interface SchedulerOptions {
  readonly orm: MikroORM;
  readonly locks: Pick<AdvisoryLocks, 'tryAcquire'>;
  readonly operations: Pick<OperationService, 'start'>;
  readonly log: Logger;
  /** What an interval starts: RECONCILE once that pipeline exists, GIT_SYNC until then. */
  readonly operationType?: OperationType;
  /** How often fabrics are re-read and unowned ones claimed. */
  readonly rescanMs?: number;
  /** Each wait is the interval plus up to this share of it, so replicas and fabrics do not fire in step. */
  readonly jitter?: number;
  readonly random?: () => number;
}

interface Owned {
  readonly lease: Lease;
  intervalSeconds: number;
  timer?: NodeJS.Timeout;
}

export class Scheduler {
  private readonly owned = new Map<string, Owned>();
  private readonly rescans = new RescanLoop(
    () => this.scan(),
    (err) => this.options.log.error({ err }, 'scheduler rescan failed; retrying at the next rescan'),
  );
  /** Set by stop(), so a scan still in flight claims nothing more. */
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  start(): void {
    if (this.rescans.running) return;
    this.stopped = false;
    this.rescans.start(this.options.rescanMs ?? 30_000);
  }

  /** Stops firing and releases every fabric, so another replica can take them over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.rescans.stop();
    await Promise.all([...this.owned.keys()].map((id) => this.disown(id)));
  }

  /** Fabric ids this instance runs the schedule of (tests, metrics). */
  ownedFabricIds(): string[] {
    return [...this.owned.keys()];
  }

  /** One pass: claim scheduled fabrics, follow interval changes, give up the rest (suspended ones too). */
  async scan(): Promise<void> {
    const fabrics = await this.options.orm.em
      .fork()
      .find(
        Fabric,
        { syncIntervalSeconds: { $gt: 0 }, suspended: false },
        { fields: ['id', 'syncIntervalSeconds'] },
      );
    const wanted = new Map(fabrics.map((f) => [f.id, f.syncIntervalSeconds]));
    for (const id of this.owned.keys()) if (!wanted.has(id)) await this.disown(id);
    for (const [id, intervalSeconds] of wanted) {
      if (this.stopped) return;
      await this.follow(id, intervalSeconds);
    }
  }

  private async follow(fabricId: string, intervalSeconds: number): Promise<void> {
    const owned = this.owned.get(fabricId);
    if (owned && !(await owned.lease.isHeld())) {
      this.options.log.warn({ fabricId }, 'lost the schedule lock with the database session');
      await this.disown(fabricId);
    } else if (owned) {
      if (owned.intervalSeconds === intervalSeconds) return;
      owned.intervalSeconds = intervalSeconds;
      this.arm(fabricId, owned);
      return;
    }
    const lease = await this.options.locks.tryAcquire(`schedule:${fabricId}`);
    if (!lease) return; // another replica owns this fabric's schedule
    if (this.stopped) return lease.release();
    const claimed: Owned = { lease, intervalSeconds };
    this.owned.set(fabricId, claimed);
    this.arm(fabricId, claimed);
    this.options.log.info({ fabricId, intervalSeconds }, 'running this fabric’s schedule');
  }

  private arm(fabricId: string, owned: Owned): void {
    const { jitter = 0.1, random = Math.random } = this.options;
    clearTimeout(owned.timer);
    const delayMs = owned.intervalSeconds * 1000 * (1 + jitter * random());
    owned.timer = setTimeout(() => {
      if (this.owned.get(fabricId) !== owned) return;
      this.arm(fabricId, owned);
      void this.fire(fabricId);
    }, delayMs);
  }

  /** Joins the fabric's running operation when there is one (OperationService.start does). */
  private async fire(fabricId: string): Promise<void> {
    const { operations, operationType = 'GIT_SYNC', log } = this.options;
    try {
      const op = await operations.start({ fabricId, type: operationType, trigger: 'SCHEDULE' });
      log.debug({ fabricId, operationId: op.id }, 'scheduled operation started or joined');
    } catch (err) {
      // Suspended since the last rescan, which gives the schedule up: nothing went wrong.
      if (isFabricSuspended(err))
        return log.debug({ fabricId }, 'fabric suspended: scheduled operation not started');
      log.warn({ err, fabricId }, 'scheduled operation could not start; trying at the next interval');
    }
  }

  private async disown(fabricId: string): Promise<void> {
    const owned = this.owned.get(fabricId);
    if (!owned) return;
    this.owned.delete(fabricId);
    clearTimeout(owned.timer);
    await owned.lease.release();
  }
}

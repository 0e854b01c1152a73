/**
 * A fabric's watch status (architecture §5, fabric.watch): the twelve kind watches' states folded
 * into one value, moved only through the domain's transition table, stored and then published in
 * order. Messages name the first kind in trouble and its error, redacted before they are stored.
 */
import type { Logger } from 'pino';
import { needsAttention, type KindWatchStatus } from '../../cluster/watch.js';
import { canTransitionWatch, transitionWatch, type FabricWatch } from '../../domain/states.js';
import type { EventBus } from '../../events/index.js';
import type { Redactor } from '../../security/redactor.js';
import type { WatchStore } from '../../store/watch-store.js';

export interface WatchStatusDeps {
  readonly store: Pick<WatchStore, 'setWatchStatus'>;
  /** Messages carry the cluster's (or a proxy's) error text, which may echo the token. */
  readonly redactor: Pick<Redactor, 'redact'>;
  readonly events: Pick<EventBus, 'publish'>;
  readonly log: Logger;
}

interface Folded {
  readonly status: FabricWatch;
  readonly message: string | null;
}

/** Legal by the table, or through RECONNECTING (ERROR → ACTIVE is a reconnection that worked). */
function route(from: FabricWatch, to: FabricWatch): FabricWatch[] {
  if (canTransitionWatch(from, to)) return [to];
  transitionWatch(from, 'RECONNECTING');
  transitionWatch('RECONNECTING', to);
  return ['RECONNECTING', to];
}

export class WatchStatus {
  private readonly kinds = new Map<string, KindWatchStatus>();
  private writes: Promise<void> = Promise.resolve();

  /** `stored`: the status the database holds now, perhaps left by a replica that died. */
  constructor(
    private readonly fabricId: string,
    private current: FabricWatch,
    private readonly kindNames: readonly string[],
    private readonly deps: WatchStatusDeps,
  ) {}

  get status(): FabricWatch {
    return this.current;
  }

  /** A fresh start, or a takeover from a replica whose watch was running (then it is a reconnection). */
  begin(): void {
    const resumed = this.current === 'ACTIVE' || this.current === 'RECONNECTING';
    this.move(resumed ? 'RECONNECTING' : 'STARTING', resumed ? 'taking the watch over' : null);
  }

  update(status: KindWatchStatus): void {
    this.kinds.set(status.kind, status);
    const { status: next, message } = this.fold();
    if (next !== this.current) this.move(next, message);
  }

  end(): void {
    if (this.current !== 'INACTIVE') this.move('INACTIVE', null);
  }

  /** Resolves once every status change so far is stored and published. */
  settled(): Promise<void> {
    return this.writes;
  }

  private fold(): Folded {
    const states = this.kindNames.map((kind) => this.kinds.get(kind) ?? { kind, state: 'LISTING' as const });
    const failing = states.find((s) => s.state === 'RETRYING' && needsAttention(s.error));
    if (failing) return { status: 'ERROR', message: `${failing.kind}: ${failing.error?.message}` };
    const retrying = states.find((s) => s.state === 'RETRYING');
    if (retrying) return { status: 'RECONNECTING', message: `${retrying.kind}: ${retrying.error?.message}` };
    if (states.every((s) => s.state === 'WATCHING')) return { status: 'ACTIVE', message: null };
    // Some kinds are still listing: before the first ACTIVE that is starting, after it a relist.
    return this.current === 'STARTING'
      ? { status: 'STARTING', message: null }
      : { status: 'RECONNECTING', message: 'relisting' };
  }

  private move(to: FabricWatch, message: string | null): void {
    if (to === this.current) return;
    for (const status of route(this.current, to)) {
      this.current = status;
      const last = status === to;
      this.writes = this.writes.then(() => this.write(status, last ? message : null));
    }
  }

  private async write(status: FabricWatch, reported: string | null): Promise<void> {
    const { store, events, log, redactor } = this.deps;
    const message = reported === null ? null : redactor.redact(reported);
    try {
      await store.setWatchStatus(this.fabricId, status, message);
      await events.publish('fabricStatus', this.fabricId, {
        fabricId: this.fabricId,
        watchStatus: status,
        ...(message ? { message } : {}),
        at: new Date().toISOString(),
      });
    } catch (err) {
      log.error(
        { err, fabricId: this.fabricId, status },
        'could not store or publish the watch status; the next change writes it again',
      );
    }
  }
}

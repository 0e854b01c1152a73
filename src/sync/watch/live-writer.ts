/**
 * The one writer of watch events on a replica (architecture §7). Every watched fabric's events go into
 * one queue, so under load a batch holds many fabrics' events and costs one SELECT of their records,
 * two UPDATEs side by side (the records, the fabrics' last event times), and then the publishes, each
 * fabric's in order and fabrics side by side. Per fabric, 100 fabrics would mean a hundred of each
 * for the same events. A batch's rows, last event times and events carry the one time of the batch.
 *
 * Each watcher writes through its own lane: `flush` waits for what it pushed, `drop` abandons what it
 * has queued (the lease was lost: the new owner's relist reports those changes again).
 */
import { IGNORE_NOTHING } from '../../domain/drift-ignore.js';
import { groupBy } from '../../domain/group-by.js';
import type { Logger } from 'pino';
import { refOf } from '../../cluster/index.js';
import type { WatchEvent } from '../../cluster/watch.js';
import type { EventBus, RecordEvent } from '../../events/index.js';
import type { Observation } from '../../store/live-state-store.js';
import type { WatchStore } from '../../store/watch-store.js';
import { Batcher } from './batcher.js';
import { liveChanges } from './live-changes.js';

/** A fabric's last watch event time is stored at most this often: it says "the watch is alive", no more. */
export const STAMP_INTERVAL_MS = 1000;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** One watcher's events in the shared writer. */
export class Lane {
  /** Pushed and not yet written and published. */
  pending = 0;
  dropped = false;
  waiters: Waiter[] = [];
  constructor(
    readonly fabricId: string,
    readonly fabricName: string,
    /** Told, once written, which records the watch saw go MISSING or DRIFTED (self-heal). */
    readonly onDrift?: (recordIds: string[]) => void,
  ) {}
}

const drifts = (o: Observation) => o.state === 'MISSING' || o.state === 'DRIFTED';

/** A watch event, or (no lane) a tick that stores last event times owed since the last batch. */
interface Pending {
  readonly lane?: Lane;
  readonly event?: WatchEvent;
  /** Its recordEvent (if any) is on the bus: a retried batch writes it again but does not republish it. */
  published?: boolean;
  /** Counted off its lane's pending events (skipped because the lane was dropped); a retry must not again. */
  settled?: boolean;
}

export interface LiveWriterDeps {
  readonly store: Pick<WatchStore, 'recordsAt' | 'driftIgnoreOf' | 'writeLive' | 'markOutOfSync'>;
  readonly events: Pick<EventBus, 'publish'>;
  readonly log: Logger;
  /** Events arriving within this many ms are written as one batch. */
  readonly coalesceMs?: number;
  /** Wait before retrying a batch whose write failed. */
  readonly retryMs?: number;
  /** The writer's clock, in ms: batch times and the stamp interval. */
  readonly now?: () => number;
}

export class LiveWriter {
  private readonly batcher: Batcher<Pending>;
  /** Per fabric: when its last event time was stored, and the newer one not stored yet. */
  private readonly stamps = new Map<string, { storedAt: number; owed?: Date }>();
  private tick: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly deps: LiveWriterDeps) {
    this.batcher = new Batcher({
      handle: (batch) => this.handle(batch),
      onError: (err, size) => deps.log.error({ err, events: size }, 'could not write watch events; retrying'),
      ...(deps.coalesceMs !== undefined ? { delayMs: deps.coalesceMs } : {}),
      ...(deps.retryMs !== undefined ? { retryMs: deps.retryMs } : {}),
    });
  }

  lane(fabricId: string, fabricName: string, onDrift?: Lane['onDrift']): Lane {
    return new Lane(fabricId, fabricName, onDrift);
  }

  push(lane: Lane, event: WatchEvent): void {
    if (lane.dropped) return;
    lane.pending++;
    this.batcher.push({ lane, event });
  }

  /** Resolves once every event pushed to `lane` so far is written and published; rejects when a batch holding some fails. */
  flush(lane: Lane): Promise<void> {
    if (lane.pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => lane.waiters.push({ resolve, reject }));
  }

  /** Its queued events are skipped; a batch already being written finishes. */
  drop(lane: Lane): void {
    lane.dropped = true;
  }

  /** Call once no lane pushes any more: writes the owed last event times, then stops for good. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.tick);
    this.tick = undefined;
    this.batcher.push({});
    await this.batcher.close();
  }

  private async handle(batch: Pending[]): Promise<void> {
    const lanes = new Map<Lane, Pending[]>();
    for (const item of batch) {
      if (!item.lane || !item.event) continue;
      const items = lanes.get(item.lane);
      if (item.lane.dropped) {
        if (!item.settled) this.settle(item.lane, 1);
        item.settled = true;
      } else if (items) items.push(item);
      else lanes.set(item.lane, [item]);
    }
    try {
      await this.write(lanes);
      for (const [lane, items] of lanes) this.settle(lane, items.length);
    } catch (err) {
      for (const lane of lanes.keys()) for (const waiter of lane.waiters.splice(0)) waiter.reject(err);
      throw err;
    }
  }

  private async write(lanes: ReadonlyMap<Lane, Pending[]>): Promise<void> {
    const { store, events } = this.deps;
    const keys = [...lanes].flatMap(([lane, items]) =>
      items.map((item) => ({ fabricId: lane.fabricId, ref: refOf(item.event!.object) })),
    );
    const [found, ignores] = await Promise.all([
      keys.length > 0 ? store.recordsAt(keys) : [],
      store.driftIgnoreOf([...lanes.keys()].map((lane) => lane.fabricId)),
    ]);
    const records = groupBy(found, (r) => r.fabricId);
    const at = new Date(this.deps.now?.() ?? Date.now());
    const observations: Observation[] = [];
    const toPublish: { items: Pending[]; events: (RecordEvent | null)[] }[] = [];
    const drifted = new Map<Lane, string[]>();
    for (const [lane, items] of lanes) {
      const changes = liveChanges(
        { id: lane.fabricId, name: lane.fabricName, ignore: ignores.get(lane.fabricId) ?? IGNORE_NOTHING },
        items.map((item) => item.event!),
        records.get(lane.fabricId) ?? [],
        at,
      );
      observations.push(...changes.observations);
      toPublish.push({ items, events: changes.events });
      const ids = changes.observations.filter(drifts).map((o) => o.id);
      if (ids.length > 0) drifted.set(lane, ids);
    }
    await store.writeLive(observations, at, this.stampsDue([...lanes.keys()], at));
    // The fabric is out of sync the moment one record is, not at the next drift check.
    const outOfSync = await store.markOutOfSync([...drifted.keys()].map((lane) => lane.fabricId));
    await Promise.all(
      outOfSync.map((fabricId) =>
        events.publish('fabricStatus', fabricId, {
          fabricId,
          syncStatus: 'OUT_OF_SYNC',
          at: at.toISOString(),
        }),
      ),
    );
    for (const [lane, ids] of drifted) lane.onDrift?.(ids);
    // Fabrics side by side, each one's events in order; a failure leaves the rest for the retry.
    await Promise.all(
      toPublish.map(async ({ items, events: recordEvents }) => {
        for (const [i, item] of items.entries()) {
          const event = recordEvents[i];
          if (event && !item.published) await events.publish('recordEvents', event.fabricId, event);
          item.published = true;
        }
      }),
    );
  }

  /** The last event times to store with this batch; the rest are owed and stored by a later one. */
  private stampsDue(lanes: readonly Lane[], at: Date): Map<string, Date> {
    const now = this.deps.now?.() ?? Date.now();
    for (const lane of lanes) {
      const stamp = this.stamps.get(lane.fabricId);
      if (stamp) stamp.owed = at;
      else this.stamps.set(lane.fabricId, { storedAt: -Infinity, owed: at });
    }
    const due = new Map<string, Date>();
    let owing = false;
    for (const [fabricId, stamp] of this.stamps) {
      const recent = now - stamp.storedAt < STAMP_INTERVAL_MS;
      if (!stamp.owed) {
        if (!recent) this.stamps.delete(fabricId); // its next event is stored at once
        continue;
      }
      if (recent && !this.closing) {
        owing = true;
        continue;
      }
      due.set(fabricId, stamp.owed);
      stamp.storedAt = now;
      stamp.owed = undefined;
    }
    if (owing && !this.closing) this.tick ??= setTimeout(() => this.runTick(), STAMP_INTERVAL_MS);
    return due;
  }

  private runTick(): void {
    this.tick = undefined;
    this.batcher.push({});
  }

  private settle(lane: Lane, count: number): void {
    lane.pending -= count;
    if (lane.pending === 0) for (const waiter of lane.waiters.splice(0)) waiter.resolve();
  }
}

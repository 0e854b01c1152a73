/**
 * One fabric's watches: a kind watch per kind, one shared source (the fabric's own settings), events
 * coalesced into batches that update the records' live state set-based and are then published, and
 * the folded watch status.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { refOf } from '../../cluster/index.js';
import {
  WatchSource,
  isExpired,
  watchKind,
  type WatchEvent,
  type WatchSourceOptions,
} from '../../cluster/watch.js';
import { KIND_NAMES, formatRef } from '../../domain/kinds.js';
import type { Manifest } from '../../domain/manifest.js';
import type { FabricWatch } from '../../domain/states.js';
import type { EventBus } from '../../events/index.js';
import type { RetryPolicy } from '../../cluster/index.js';
import type { WatchStore } from '../../store/watch-store.js';
import { Batcher } from './batcher.js';
import { liveChanges } from './live-changes.js';
import type { WatchTarget } from './target.js';
import { WatchStatus } from './watch-status.js';

export interface WatchTuning {
  readonly source?: WatchSourceOptions;
  readonly backoff?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** Events arriving within this many ms are written as one batch. */
  readonly coalesceMs?: number;
  /** Wait before retrying a batch whose write failed. */
  readonly retryMs?: number;
}

export interface FabricWatcherDeps {
  readonly store: WatchStore;
  readonly events: Pick<EventBus, 'publish'>;
  readonly log: Logger;
  readonly tuning?: WatchTuning;
  /** Told each time a kind's watch must reconnect: 'expired' after a 410, 'error' otherwise (metrics). */
  readonly onReconnect?: (reason: 'expired' | 'error') => void;
}

export interface StopOptions {
  /** The lease was lost: another replica owns the fabric now, so leave its status and rows alone. */
  readonly disowned?: boolean;
}

export class FabricWatcher {
  private readonly abort = new AbortController();
  private readonly source: WatchSource;
  private readonly status: WatchStatus;
  private readonly batcher: Batcher<WatchEvent>;
  private loops: Promise<void>[] = [];

  constructor(
    readonly target: WatchTarget,
    private readonly deps: FabricWatcherDeps,
  ) {
    const { tuning = {}, log } = deps;
    // Twelve kind watches and their requests listen on this one signal.
    setMaxListeners(64, this.abort.signal);
    this.source = new WatchSource(target.settings, tuning.source);
    this.status = new WatchStatus(target.fabricId, target.watchStatus, KIND_NAMES, deps);
    this.batcher = new Batcher({
      handle: (batch) => this.write(batch),
      onError: (err, size) =>
        log.error({ err, fabricId: target.fabricId, events: size }, 'could not write watch events; retrying'),
      ...(tuning.coalesceMs !== undefined ? { delayMs: tuning.coalesceMs } : {}),
      ...(tuning.retryMs !== undefined ? { retryMs: tuning.retryMs } : {}),
    });
  }

  get watchStatus(): FabricWatch {
    return this.status.status;
  }

  async start(): Promise<void> {
    this.status.begin();
    const known = new Map<string, Manifest[]>();
    for (const object of await this.deps.store.knownLive(this.target.fabricId)) {
      const ofKind = known.get(object.kind);
      if (ofKind) ofKind.push(object);
      else known.set(object.kind, [object]);
    }
    const { backoff } = this.deps.tuning ?? {};
    this.loops = KIND_NAMES.map((kind) =>
      watchKind(
        {
          source: this.source,
          kind,
          seed: known.get(kind) ?? [],
          onEvent: (event) => this.batcher.push(event),
          onStatus: (status) => {
            if (status.state === 'RETRYING')
              this.deps.onReconnect?.(isExpired(status.error) ? 'expired' : 'error');
            this.status.update(status);
          },
          ...(backoff ? { backoff } : {}),
        },
        this.abort.signal,
      ),
    );
  }

  /** Resolves once every event received so far is written and published, and the status with it. */
  async idle(): Promise<void> {
    await this.batcher.idle();
    await this.status.settled();
  }

  async stop({ disowned = false }: StopOptions = {}): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    this.source.close();
    if (disowned) return this.batcher.discard(); // the new owner's relist reports these again
    await this.batcher.close();
    this.status.end();
    await this.status.settled();
  }

  private async write(batch: WatchEvent[]): Promise<void> {
    const { fabricId, fabricName } = this.target;
    const refs = new Map(batch.map((e) => refOf(e.object)).map((ref) => [formatRef(ref), ref]));
    const records = await this.deps.store.recordsAt(fabricId, [...refs.values()]);
    const at = new Date();
    const changes = liveChanges({ id: fabricId, name: fabricName }, batch, records, at);
    await this.deps.store.writeLive(fabricId, changes.observations, at);
    for (const event of changes.events) await this.deps.events.publish('recordEvents', fabricId, event);
  }
}

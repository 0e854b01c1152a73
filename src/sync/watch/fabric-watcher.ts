/**
 * One fabric's watches: a kind watch per kind, one shared source (the fabric's own settings), events
 * handed to the replica's LiveWriter (which updates the records' live state set-based, together
 * with other fabrics' events, and then publishes them), and the folded watch status.
 */
import { groupBy } from '../../domain/group-by.js';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import {
  WatchSource,
  isExpired,
  watchKind,
  type TlsContexts,
  type WatchSourceOptions,
} from '../../cluster/watch.js';
import { KIND_NAMES } from '../../domain/kinds.js';
import type { FabricWatch } from '../../domain/states.js';
import type { EventBus } from '../../events/index.js';
import type { Redactor } from '../../security/redactor.js';
import type { Limiter, RetryPolicy } from '../../cluster/index.js';
import type { WatchStore } from '../../store/watch-store.js';
import { SelfHealer, type SelfHealerDeps } from '../self-heal/self-healer.js';
import type { Lane, LiveWriter } from './live-writer.js';
import type { WatchTarget } from './target.js';
import { WatchStatus } from './watch-status.js';

export interface WatchTuning {
  readonly source?: WatchSourceOptions;
  readonly backoff?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  /** Events arriving within this many ms are written as one batch (by the replica's LiveWriter). */
  readonly coalesceMs?: number;
  /** Wait before retrying a batch whose write failed. */
  readonly retryMs?: number;
  /** Every kind relists about this often, however healthy its watch (FABRIC_SYNC_WATCH_RELIST_SECONDS). */
  readonly relistMs?: number;
}

/** What the watch needs to heal drift it sees (the fabric's selfHeal setting is read when a heal is due). */
export type SelfHealOptions = Omit<SelfHealerDeps, 'selfHeals' | 'log'>;

export interface FabricWatcherDeps {
  readonly store: WatchStore;
  /** The replica's writer of watch events, shared by all its fabrics. */
  readonly writer: LiveWriter;
  /** The replica's TLS contexts by CA, shared by its watch streams. */
  readonly tlsContexts: TlsContexts;
  /** The replica's bound on watch requests waiting for the server at once (see WatchSourceOptions). */
  readonly openings?: Limiter;
  readonly events: Pick<EventBus, 'publish'>;
  readonly redactor: Redactor;
  readonly log: Logger;
  readonly tuning?: WatchTuning;
  /** Told each time a kind's watch must reconnect: 'expired' after a 410, 'error' otherwise (metrics). */
  readonly onReconnect?: (reason: 'expired' | 'error') => void;
  /** Unset: drift is reported, never healed (API-only wiring, tests of the watch alone). */
  readonly selfHeal?: SelfHealOptions;
}

export interface StopOptions {
  /** The lease was lost: another replica owns the fabric now, so leave its status and rows alone. */
  readonly disowned?: boolean;
}

export class FabricWatcher {
  private readonly abort = new AbortController();
  private readonly source: WatchSource;
  private readonly status: WatchStatus;
  private readonly lane: Lane;
  private readonly healer: SelfHealer | undefined;
  private loops: Promise<void>[] = [];

  constructor(
    readonly target: WatchTarget,
    private readonly deps: FabricWatcherDeps,
  ) {
    const { tuning = {} } = deps;
    // Twelve kind watches and their requests listen on this one signal.
    setMaxListeners(64, this.abort.signal);
    this.source = new WatchSource(target.settings, {
      ...tuning.source,
      tlsContexts: deps.tlsContexts,
      ...(deps.openings ? { openings: deps.openings } : {}),
    });
    this.status = new WatchStatus(target.fabricId, target.watchStatus, KIND_NAMES, deps);
    const { selfHeal } = deps;
    this.healer = selfHeal
      ? new SelfHealer(target.fabricId, {
          ...selfHeal,
          selfHeals: (id) => deps.store.selfHeals(id),
          log: deps.log,
        })
      : undefined;
    this.lane = deps.writer.lane(target.fabricId, target.fabricName, (ids) => this.healer?.notice(ids));
  }

  get watchStatus(): FabricWatch {
    return this.status.status;
  }

  async start(): Promise<void> {
    this.status.begin();
    const known = groupBy(await this.deps.store.knownLive(this.target.fabricId), (o) => o.kind);
    const { backoff, relistMs } = this.deps.tuning ?? {};
    this.loops = KIND_NAMES.map((kind) =>
      watchKind(
        {
          source: this.source,
          kind,
          seed: known.get(kind) ?? [],
          onEvent: (event) => this.deps.writer.push(this.lane, event),
          onStatus: (status) => {
            if (status.state === 'RETRYING')
              this.deps.onReconnect?.(isExpired(status.error) ? 'expired' : 'error');
            this.status.update(status);
          },
          ...(backoff ? { backoff } : {}),
          ...(relistMs ? { relistMs } : {}),
        },
        this.abort.signal,
      ),
    );
  }

  /** Resolves once every event received so far is written and published, and the status with it. */
  async idle(): Promise<void> {
    await this.deps.writer.flush(this.lane);
    await this.status.settled();
  }

  async stop({ disowned = false }: StopOptions = {}): Promise<void> {
    this.abort.abort();
    this.healer?.stop();
    await Promise.all(this.loops);
    this.source.close();
    const { writer } = this.deps;
    if (disowned) {
      writer.drop(this.lane); // the new owner's relist reports these again
      return writer.flush(this.lane).catch(() => undefined); // a batch being written finishes first
    }
    await writer.flush(this.lane).catch((err: unknown) => {
      writer.drop(this.lane); // one try, as at any stop: a later owner's relist reports them again
      throw err;
    });
    this.status.end();
    await this.status.settled();
  }
}

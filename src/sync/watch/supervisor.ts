/**
 * Runs the watches of every fabric with a cluster (architecture §7, §9). Exactly one replica
 * watches a fabric: the one holding the session advisory lock `watch:<fabricId>`. Every rescan
 * (a few seconds) re-reads the fabrics, claims unowned ones in a random order (so replicas that scan
 * together split the fabrics between them; there is no rebalancing: a replica that starts later
 * takes only fabrics that become free), checks that each lease is still held and gives up a fabric
 * whose lease was lost. When a replica dies its session dies, the locks free, and another replica
 * claims the fabrics at its next rescan. `refresh` reacts at once to one fabric's change.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { EventBus } from '../../events/index.js';
import type { Vault } from '../../security/vault.js';
import type { AdvisoryLocks, Lease } from '../../store/advisory-locks.js';
import { WatchStore } from '../../store/watch-store.js';
import {
  FabricWatcher,
  type FabricWatcherDeps,
  type SelfHealOptions,
  type StopOptions,
  type WatchTuning,
} from './fabric-watcher.js';
import { LiveWriter } from './live-writer.js';
import { Limiter } from '../../cluster/index.js';
import { TlsContexts } from '../../cluster/watch.js';
import { RescanLoop } from '../rescan-loop.js';
import { loadWatchTarget } from './target.js';

export interface WatchSupervisorOptions {
  readonly orm: MikroORM;
  readonly vault: Vault;
  readonly events: Pick<EventBus, 'publish'>;
  /** SessionLocks in production: one connection for all of this replica's leases. */
  readonly locks: Pick<AdvisoryLocks, 'tryAcquire'>;
  readonly log: Logger;
  readonly rescanMs?: number;
  readonly tuning?: WatchTuning;
  readonly random?: () => number;
  readonly onReconnect?: FabricWatcherDeps['onReconnect'];
  /** Heal drift of fabrics whose selfHeal is on (only this replica, which watches them, does). */
  readonly selfHeal?: SelfHealOptions;
}

interface Owned {
  readonly lease: Lease;
  watcher: FabricWatcher;
}

/** Watch requests (list pages, stream opens) waiting for the server at once, per replica (see WatchSourceOptions). */
const OPENINGS_AT_ONCE = 8;

export const watchLockKey = (fabricId: string): string => `watch:${fabricId}`;

export class WatchSupervisor {
  private readonly owned = new Map<string, Owned>();
  /** One chain of work per fabric, so a refresh and a rescan never act on a fabric at once. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly store: WatchStore;
  /** One per run (start → stop): every owned fabric's events are written through it. */
  private writer: LiveWriter | undefined;
  private readonly tlsContexts = new TlsContexts();
  private readonly openings = new Limiter(OPENINGS_AT_ONCE);
  private readonly rescans = new RescanLoop(
    () => this.scan(),
    (err) => this.options.log.error({ err }, 'watch rescan failed; retrying at the next rescan'),
  );
  private stopped = true;

  constructor(private readonly options: WatchSupervisorOptions) {
    this.store = new WatchStore(options.orm);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { rescanMs = 5_000, log, events, tuning = {} } = this.options;
    this.writer = new LiveWriter({
      store: this.store,
      events,
      log,
      ...(tuning.coalesceMs !== undefined ? { coalesceMs: tuning.coalesceMs } : {}),
      ...(tuning.retryMs !== undefined ? { retryMs: tuning.retryMs } : {}),
    });
    this.rescans.start(rescanMs);
  }

  /** Stops every watch (status INACTIVE) and releases the leases, so another replica can take over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.rescans.stop();
    await Promise.all([...this.chains.values()]);
    await Promise.all([...this.owned.keys()].map((id) => this.serial(id, () => this.disown(id))));
    await this.writer
      ?.close()
      .catch((err: unknown) =>
        this.options.log.error({ err }, 'could not store the last watch event times at stop'),
      );
  }

  /** Call when a fabric was created, deleted or its cluster settings changed; never rejects. */
  refresh(fabricId: string): Promise<void> {
    return this.serial(fabricId, async () => {
      const target = await loadWatchTarget(this.options.orm, this.options.vault, fabricId);
      await this.follow(fabricId, target?.generation);
    });
  }

  ownedFabricIds(): string[] {
    return [...this.owned.keys()];
  }

  /** The running watch of a fabric this replica owns (tests wait on its idle()). */
  watcherOf(fabricId: string): FabricWatcher | undefined {
    return this.owned.get(fabricId)?.watcher;
  }

  /** One pass: follow every fabric with a cluster, drop the ones gone. */
  async scan(): Promise<void> {
    const fabrics = await this.store.fabricsWithCluster();
    const wanted = new Map(fabrics.map((f) => [f.id, f.clusterGeneration]));
    const ids = new Set([...this.owned.keys(), ...this.shuffled([...wanted.keys()])]);
    for (const id of ids) {
      if (this.stopped) return;
      await this.serial(id, () => this.follow(id, wanted.get(id)));
    }
  }

  /** `generation` undefined: the fabric is gone or has no cluster. */
  private async follow(fabricId: string, generation: number | undefined): Promise<void> {
    const owned = this.owned.get(fabricId);
    if (owned && !(await owned.lease.isHeld())) {
      this.options.log.warn(
        { fabricId },
        'lost the watch lock with the database session; another replica takes over',
      );
      return this.disown(fabricId, { disowned: true });
    }
    if (owned && generation === undefined) return this.disown(fabricId);
    if (owned && owned.watcher.target.generation !== generation) return this.restart(fabricId, owned);
    if (owned || generation === undefined || this.stopped) return;
    const lease = await this.options.locks.tryAcquire(watchLockKey(fabricId));
    if (!lease) return; // another replica watches it
    try {
      const watcher = await this.launch(fabricId);
      if (watcher) return void this.owned.set(fabricId, { lease, watcher });
    } catch (err) {
      await lease.release();
      throw err;
    }
    await lease.release();
  }

  /** Cluster settings changed: a new watch with the new settings, under the same lease. */
  private async restart(fabricId: string, owned: Owned): Promise<void> {
    await owned.watcher.stop();
    const watcher = await this.launch(fabricId);
    if (watcher) owned.watcher = watcher;
    else await this.disown(fabricId);
  }

  private async launch(fabricId: string): Promise<FabricWatcher | undefined> {
    const { orm, vault, events, log, tuning } = this.options;
    const target = await loadWatchTarget(orm, vault, fabricId);
    if (!target || this.stopped || !this.writer) return undefined;
    const watcher = new FabricWatcher(target, {
      store: this.store,
      writer: this.writer,
      tlsContexts: this.tlsContexts,
      openings: this.openings,
      events,
      redactor: vault.redactor,
      log,
      ...(tuning ? { tuning } : {}),
      ...(this.options.onReconnect ? { onReconnect: this.options.onReconnect } : {}),
      ...(this.options.selfHeal ? { selfHeal: this.options.selfHeal } : {}),
    });
    await watcher.start();
    log.info({ fabricId, generation: target.generation }, 'watching this fabric’s cluster');
    return watcher;
  }

  private async disown(fabricId: string, options: StopOptions = {}): Promise<void> {
    const owned = this.owned.get(fabricId);
    if (!owned) return;
    this.owned.delete(fabricId);
    await owned.watcher.stop(options);
    await owned.lease.release();
  }

  private serial(fabricId: string, task: () => Promise<void>): Promise<void> {
    const run = (this.chains.get(fabricId) ?? Promise.resolve())
      .then(task)
      .catch((err: unknown) =>
        this.options.log.error(
          { err, fabricId },
          'watch supervision step failed; retrying at the next rescan',
        ),
      );
    const settled = run.finally(() => {
      if (this.chains.get(fabricId) === settled) this.chains.delete(fabricId);
    });
    this.chains.set(fabricId, settled);
    return settled;
  }

  private shuffled<T>(items: T[]): T[] {
    const { random = Math.random } = this.options;
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

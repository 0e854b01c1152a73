/**
 * The watch supervisor on the sync harness (database, test kube-apiserver with the fabric's webhooks,
 * apply pipeline), with kubectl pointed at the same server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { EventBus } from '../../src/events/index.js';
import { SessionLocks } from '../../src/store/session-locks.js';
import { WatchSupervisor, type WatchSupervisorOptions } from '../../src/sync/watch/index.js';
import { startSyncHarness, type SyncHarness } from '../sync/harness.js';

export interface WatchHarness {
  readonly sync: SyncHarness;
  /** A supervisor with its own lock session: what one replica runs. */
  supervisor(options?: Partial<WatchSupervisorOptions> & { events?: EventBus }): WatchSupervisor;
  kubectl(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Long enough for a test to write to the cluster while the watches wait to reconnect. */
export const SLOW_RECONNECT = { baseDelayMs: 1500, maxDelayMs: 1500 };

export async function startWatchHarness(): Promise<WatchHarness> {
  const sync = await startSyncHarness();
  const dir = await mkdtemp(path.join(tmpdir(), 'watch-harness-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await sync.kube.writeKubeconfig(kubeconfig);
  const supervisors: WatchSupervisor[] = [];
  const sessions: SessionLocks[] = [];
  return {
    sync,
    supervisor(options = {}) {
      const locks = new SessionLocks(sync.db.orm);
      sessions.push(locks);
      const supervisor = new WatchSupervisor({
        orm: sync.db.orm,
        vault: sync.deps.vault,
        events: sync.events,
        locks,
        log: pino({ level: 'silent' }),
        rescanMs: 60_000,
        tuning: { backoff: SLOW_RECONNECT, coalesceMs: 5 },
        ...options,
      });
      supervisors.push(supervisor);
      return supervisor;
    },
    async kubectl(...args) {
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, ...args]);
      return stdout;
    },
    async close() {
      await Promise.all(supervisors.map((s) => s.stop()));
      await Promise.all(sessions.map((s) => s.close()));
      await sync.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

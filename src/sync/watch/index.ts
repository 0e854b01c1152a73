/** The watch supervisor (architecture §7): what main.ts builds and FabricService's hook calls. */
export { WatchSupervisor, watchLockKey, type WatchSupervisorOptions } from './supervisor.js';
export type { WatchTuning } from './fabric-watcher.js';

/**
 * Emulates the part of kube-controller-manager's garbage collector these tests need: it removes
 * the foregroundDeletion/orphan finalizers of a terminating object once nothing points at it.
 */
import type { ObjectStore, StoreEvent } from './store.js';

const GC_FINALIZERS = ['foregroundDeletion', 'orphan'];

export class GarbageCollector {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly delayMs = 50,
  ) {
    this.unsubscribe = store.subscribe((event) => this.onEvent(event));
  }

  close(): void {
    this.unsubscribe();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private onEvent(event: StoreEvent): void {
    const meta = event.object.metadata ?? {};
    if (event.type === 'DELETED' || !meta.deletionTimestamp) return;
    if (!(meta.finalizers ?? []).some((f) => GC_FINALIZERS.includes(f))) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.collect(event.typeKey, event.key);
    }, this.delayMs);
    this.timers.add(timer);
  }

  private collect(typeKey: string, key: string): void {
    const current = this.store.get(typeKey, key);
    const meta = current?.metadata;
    if (!current || !meta?.deletionTimestamp || this.hasDependents(meta.uid)) return;
    const finalizers = (meta.finalizers ?? []).filter((f) => !GC_FINALIZERS.includes(f));
    if (finalizers.length === meta.finalizers?.length) return;
    this.store.write(
      typeKey,
      key,
      finalizers.length === 0 ? undefined : { ...current, metadata: { ...meta, finalizers } },
    );
  }

  private hasDependents(uid: string | undefined): boolean {
    const dump = this.store.dump();
    return Object.values(dump.tables).some((objects) =>
      objects.some((o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid)),
    );
  }
}

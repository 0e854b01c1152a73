/**
 * In-memory storage with one global resourceVersion counter (like the etcd revision) and an
 * event history that serves watches from an RV and consistent list snapshots at an older RV.
 */
import { expired } from './status.js';
import type { KubeObject } from './types.js';
import { objectKey } from './types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly rv: number;
  readonly type: EventType;
  readonly typeKey: string;
  readonly key: string;
  /** New state; for DELETED the last stored state carrying the deletion's RV. */
  readonly object: KubeObject;
  readonly prev?: KubeObject;
}

export interface StoreDump {
  readonly rv: number;
  readonly tables: Record<string, KubeObject[]>;
}

type Listener = (event: StoreEvent) => void;

/** `o` stamped with `rv`: how the store records a write, and how a watch shows an object leaving its selector. */
export const withRv = (o: KubeObject, rv: number): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, resourceVersion: String(rv) },
});
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class ObjectStore {
  private rv = 1;
  private compactedRv = 1;
  private history: StoreEvent[] = [];
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly sorted = new Map<string, string[]>();
  private readonly listeners = new Set<Listener>();
  private readonly historyLimit: number;

  constructor({ historyLimit = 10_000 }: { historyLimit?: number } = {}) {
    this.historyLimit = historyLimit;
  }

  get currentRv(): number {
    return this.rv;
  }

  get(typeKey: string, key: string): KubeObject | undefined {
    return this.tables.get(typeKey)?.get(key);
  }

  /** Current objects of one type in key order (namespace, then name; etcd byte order). */
  list(typeKey: string): KubeObject[] {
    const table = this.tables.get(typeKey);
    if (!table) return [];
    return this.sortedKeys(typeKey, table).map((k) => table.get(k)!);
  }

  /** Objects of one type as they were at `rv`, in key order; 410 when history no longer reaches it. */
  listAt(typeKey: string, rv: number, tooOld: string): { key: string; object: KubeObject }[] {
    if (rv === this.rv) return this.list(typeKey).map((o) => ({ key: this.keyOf(o), object: o }));
    const older = new Map<string, KubeObject | undefined>();
    for (const e of this.eventsSince(rv, tooOld).reverse())
      if (e.typeKey === typeKey) older.set(e.key, e.prev);
    const table = this.tables.get(typeKey) ?? new Map<string, KubeObject>();
    const keys = new Set([...table.keys(), ...older.keys()]);
    return [...keys]
      .sort(byKey)
      .map((key) => ({ key, object: older.has(key) ? older.get(key) : table.get(key) }))
      .filter((e): e is { key: string; object: KubeObject } => e.object !== undefined);
  }

  /** Events after `rv`, oldest first; 410 Expired when compaction removed some of them. */
  eventsSince(rv: number, tooOld: string): StoreEvent[] {
    if (rv < this.compactedRv) throw expired(tooOld.replace('%OLDEST%', String(this.compactedRv)));
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  isCompacted(rv: number): boolean {
    return rv < this.compactedRv;
  }

  /** Stores `next` (or deletes when undefined) under a new RV and tells every listener. */
  write(typeKey: string, key: string, next: KubeObject | undefined): KubeObject {
    const table = this.table(typeKey);
    const prev = table.get(key);
    if (!prev && !next) throw new Error(`store: nothing to delete at ${typeKey} ${key}`);
    this.rv += 1;
    const object = withRv((next ?? prev)!, this.rv);
    if (next) table.set(key, object);
    else table.delete(key);
    if (!prev || !next) this.sorted.delete(typeKey);
    const type: EventType = !prev ? 'ADDED' : next ? 'MODIFIED' : 'DELETED';
    this.record({ rv: this.rv, type, typeKey, key, object, ...(prev ? { prev } : {}) });
    return object;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets all history: watches and continue tokens from older RVs get 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  /** Forgets every object and all history and starts the RV counter over, as a cluster rebuilt from nothing. */
  clear(): void {
    this.tables.clear();
    this.sorted.clear();
    this.history = [];
    this.rv = 1;
    this.compactedRv = 1;
  }

  dump(): StoreDump {
    const tables: Record<string, KubeObject[]> = {};
    for (const typeKey of this.tables.keys()) tables[typeKey] = this.list(typeKey);
    return { rv: this.rv, tables };
  }

  load(dump: StoreDump): void {
    for (const [typeKey, objects] of Object.entries(dump.tables)) {
      const table = this.table(typeKey);
      for (const o of objects) table.set(this.keyOf(o), o);
      this.sorted.delete(typeKey);
    }
    this.rv = Math.max(this.rv, dump.rv);
    this.compactedRv = this.rv;
  }

  keyOf(o: KubeObject): string {
    return objectKey(o.metadata?.namespace, o.metadata?.name ?? '');
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const listener of this.listeners) listener(event);
  }

  private table(typeKey: string): Map<string, KubeObject> {
    let table = this.tables.get(typeKey);
    if (!table) this.tables.set(typeKey, (table = new Map()));
    return table;
  }

  private sortedKeys(typeKey: string, table: Map<string, KubeObject>): string[] {
    let keys = this.sorted.get(typeKey);
    if (!keys) this.sorted.set(typeKey, (keys = [...table.keys()].sort(byKey)));
    return keys;
  }
}

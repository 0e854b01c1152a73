/**
 * A map that holds at most `max` worth of entries and forgets the least recently used ones to make
 * room: the caches of remembered answers (tree ids, TLS contexts, authenticated tokens, GraphQL
 * responses) share this one rule. Each entry weighs 1 unless `weigh` says otherwise (bytes, say).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  private held = 0;

  constructor(
    private readonly max: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`BoundedMap needs max ≥ 1, got ${max}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the entries' weights (their number when nothing is weighed). */
  get weight(): number {
    return this.held;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): V {
    this.delete(key);
    const weight = this.weigh(value);
    while (this.entries.size > 0 && this.held + weight > this.max)
      this.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
    this.held += weight;
    return value;
  }

  delete(key: K): boolean {
    if (!this.entries.has(key)) return false;
    this.held -= this.weigh(this.entries.get(key) as V);
    return this.entries.delete(key);
  }

  /** Removes every entry `drop` accepts. */
  deleteWhere(drop: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.entries) if (drop(value, key)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.held = 0;
  }
}

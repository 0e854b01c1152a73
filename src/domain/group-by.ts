/** Grouping values by a key in one pass (a filter per key would cost keys × values). */

/** Appends `value` to the list of `key`, starting the list when it is the first. */
export function pushTo<K, T>(groups: Map<K, T[]>, key: K, value: T): void {
  const list = groups.get(key);
  if (list) list.push(value);
  else groups.set(key, [value]);
}

/** The values of each key, in the order given; values whose key is undefined are left out. */
export function groupBy<K, T>(values: Iterable<T>, keyOf: (value: T) => K | undefined): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    if (key !== undefined) pushTo(groups, key, value);
  }
  return groups;
}

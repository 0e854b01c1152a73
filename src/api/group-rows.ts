/** Grouping a DataLoader batch's rows by key in one pass (a filter per key would be O(keys × rows)). */

export const pushTo = <T>(map: Map<string, T[]>, key: string, value: T): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** The rows of each key, in row order; rows without a key are left out. */
export function groupedBy<T>(
  keys: readonly string[],
  rows: readonly T[],
  keyOf: (row: T) => string | undefined,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key !== undefined) pushTo(groups, key, row);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

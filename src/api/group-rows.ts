/** A DataLoader batch's rows, grouped in one pass and answered in the batch's key order. */
import { groupBy } from '../domain/group-by.js';

/** The rows of each key, in row order; rows without a key are left out. */
export function groupedBy<T>(
  keys: readonly string[],
  rows: readonly T[],
  keyOf: (row: T) => string | undefined,
): T[][] {
  const groups = groupBy(rows, keyOf);
  return keys.map((key) => groups.get(key) ?? []);
}

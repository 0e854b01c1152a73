/**
 * Absent and empty are equal (REFERENCE §1.5 "Empty objects from Go JSON marshaling", §4): the
 * webhook re-serializes Go structs, so `{}`, `[]`, `""`, `false`, `0` and `null` appear or vanish
 * without meaning anything. They are dropped from the canonical form.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../manifest.js';

/**
 * Nullable booleans where an explicit `false` differs from absent: an unset subnet `isolated` or
 * `restricted` falls back to the VPC's default (REFERENCE §2.1), so `false` is kept.
 */
const MEANINGFUL_FALSE: ReadonlySet<string> = new Set(['isolated', 'restricted']);

const isEmptyScalar = (v: JsonValue, key: string): boolean =>
  v === null || v === '' || v === 0 || (v === false && !MEANINGFUL_FALSE.has(key));

/** Returns the value without empty members, or undefined when nothing is left. */
export function dropEmpty(value: JsonValue, key = ''): JsonValue | undefined {
  if (Array.isArray(value)) {
    // List items keep their positions: an empty item still counts (links[1] stays links[1]).
    return value.length === 0 ? undefined : value.map((item) => dropEmpty(item) ?? item);
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = dropEmpty(v, k);
      if (kept !== undefined) out[k] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return isEmptyScalar(value, key) ? undefined : value;
}

/**
 * Absent and empty are equal (REFERENCE §1.5 "Empty objects from Go JSON marshaling", §4): the
 * webhook re-serializes Go structs, so `{}`, `[]`, `""`, `false`, `0` and `null` appear or vanish
 * without meaning anything. They are dropped from the canonical form — except where the key itself
 * is the data: entries of a map (a peering's `vpc-2: {}`, a port's `E1/1: false`) are kept.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../manifest.js';
import type { StructuralSchema } from '../structural-schema.js';

/**
 * Nullable booleans where an explicit `false` differs from absent: an unset subnet `isolated` or
 * `restricted` falls back to the VPC's default (REFERENCE §2.1), so `false` is kept.
 */
const MEANINGFUL_FALSE: ReadonlySet<string> = new Set(['isolated', 'restricted']);

const isEmptyScalar = (v: JsonValue, key: string): boolean =>
  v === null || v === '' || v === 0 || (v === false && !MEANINGFUL_FALSE.has(key));

const emptyForm = (v: JsonValue): JsonValue => (Array.isArray(v) ? [] : isJsonObject(v) ? {} : v);

function dropEmptyMembers(value: JsonObject, schema: StructuralSchema | undefined): JsonValue | undefined {
  const mapValues =
    typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const memberSchema = schema?.properties?.[key] ?? mapValues;
    const kept = dropEmpty(v, memberSchema, key);
    if (kept !== undefined) out[key] = kept;
    else if (mapValues && v !== null) out[key] = emptyForm(v);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Returns the value without empty members, or undefined when nothing is left. */
export function dropEmpty(value: JsonValue, schema?: StructuralSchema, key = ''): JsonValue | undefined {
  if (Array.isArray(value)) {
    // List items keep their positions: an empty item still counts (links[1] stays links[1]).
    return value.length === 0 ? undefined : value.map((item) => dropEmpty(item, schema?.items) ?? item);
  }
  if (isJsonObject(value)) return dropEmptyMembers(value, schema);
  return isEmptyScalar(value, key) ? undefined : value;
}

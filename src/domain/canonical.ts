/**
 * Canonical JSON and its hash: the hash the database stores for a record and apply compares with
 * the live object's hash (architecture §3, §6).
 */
import { createHash } from 'node:crypto';
import type { Manifest } from './manifest.js';
import { normalize, type Canonical } from './normalize.js';

export type { Canonical } from './normalize.js';

/** A copy whose objects list their keys in sorted order; native JSON.stringify then does the rest fast. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** JSON with object keys sorted at every level, so equal objects give equal text. */
export const canonicalJson = (c: Canonical): string => JSON.stringify(sortedKeys(c));

/** sha256 hex of the canonical JSON of an already normalized object. */
export const hashOfCanonical = (c: Canonical): string =>
  createHash('sha256').update(canonicalJson(c)).digest('hex');

/** sha256 hex of the canonical JSON of the normalized object. */
export const canonicalHash = (m: Manifest): string => hashOfCanonical(normalize(m));

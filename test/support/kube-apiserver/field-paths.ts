/**
 * Field paths for server-side apply ownership: leaves are scalars, whole lists (all lists are
 * atomic in these CRDs) and empty objects; objects and maps are granular (contract §3.6).
 */
import type { KubeObject } from './types.js';

export type FieldPath = readonly string[];

/** Serialized path, usable as a Map/Set key. */
export const pathKey = (p: FieldPath) => JSON.stringify(p);
export const parsePathKey = (k: string) => JSON.parse(k) as string[];
/** ".spec.ipv4Namespace", as conflict messages print a path. */
export const renderPath = (p: FieldPath) => `.${p.join('.')}`;

const TRACKED_METADATA = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function collect(value: unknown, prefix: string[], out: Map<string, unknown>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) collect(v, [...prefix, k], out);
  } else out.set(pathKey(prefix), value);
}

/** Leaf paths of the parts of `obj` a writer to `subresource` can own, with their values. */
export function leafPaths(obj: KubeObject, subresource?: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (subresource === 'status' ? key !== 'status' : key === 'status') continue;
    if (key === 'metadata') {
      for (const m of TRACKED_METADATA)
        if (isPlainObject(value) && value[m] !== undefined) collect(value[m], ['metadata', m], out);
    } else collect(value, [key], out);
  }
  return out;
}

export function valueAt(obj: unknown, path: FieldPath): unknown {
  let node = obj;
  for (const seg of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[seg];
  }
  return node;
}

/** Equality of JSON data as it would serialize: a member holding undefined counts as absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let members = 0;
  for (const key of Object.keys(x)) {
    if (x[key] === undefined) continue;
    members += 1;
    if (!sameValue(x[key], y[key])) return false;
  }
  for (const key of Object.keys(y)) if (y[key] !== undefined) members -= 1;
  return members === 0;
}

/**
 * Removes the field at `path`, then parents left empty that `keep` does not contain. Objects on
 * the way are copied before they change (`obj` itself excepted), so subtrees `obj` shares with the
 * stored object or the request body are never edited.
 */
export function removePath(
  obj: Record<string, unknown>,
  path: FieldPath,
  keep: (p: FieldPath) => boolean,
): void {
  const parents: Record<string, unknown>[] = [];
  let node: Record<string, unknown> = obj;
  for (const seg of path.slice(0, -1)) {
    const child = node[seg];
    if (!isPlainObject(child)) return;
    parents.push(node);
    node = node[seg] = { ...child };
  }
  delete node[path[path.length - 1]!];
  for (let depth = path.length - 1; depth > 0; depth -= 1) {
    const parent = parents[depth - 1]!;
    const emptied = parent[path[depth - 1]!];
    if (!isPlainObject(emptied) || Object.keys(emptied).length > 0 || keep(path.slice(0, depth))) return;
    delete parent[path[depth - 1]!];
  }
}

/**
 * Deep merge for apply: objects merge key by key, everything else (lists too) is replaced. The
 * result shares unchanged subtrees with both inputs; edit it only through removePath.
 */
export function mergeApplied(live: unknown, applied: unknown): unknown {
  if (!isPlainObject(live) || !isPlainObject(applied)) return applied;
  const out: Record<string, unknown> = { ...live };
  for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v);
  return out;
}

/** `{"f:spec":{"f:x":{}}}` from paths. */
export function toFieldsV1(paths: Iterable<FieldPath>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const path of paths) {
    let node = root;
    for (const seg of path) {
      const key = `f:${seg}`;
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
  }
  return root;
}

/** Leaf paths from fieldsV1; a "." member marks the node itself as owned. */
export function fromFieldsV1(fields: Record<string, unknown>, prefix: string[] = []): string[][] {
  const entries = Object.entries(fields);
  if (entries.length === 0) return prefix.length > 0 ? [prefix] : [];
  const out: string[][] = [];
  for (const [key, child] of entries) {
    if (key === '.') out.push(prefix);
    else if (key.startsWith('f:'))
      out.push(...fromFieldsV1(isPlainObject(child) ? child : {}, [...prefix, key.slice(2)]));
  }
  return out;
}

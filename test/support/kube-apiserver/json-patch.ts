/** RFC 6902 JSON Patch and RFC 7386 JSON Merge Patch on plain JSON values; inputs stay untouched. */
import { isDeepStrictEqual } from 'node:util';

/** `malformed`: the body is no JSON patch (400); otherwise it does not apply to the object (422). */
export class PatchError extends Error {
  constructor(
    readonly malformed: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(false, `invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The container holding the last token, walked inside `doc` (which is already a private copy). */
function parentOf(doc: Json, path: string[], pointer: string): { parent: Container; key: string } {
  let node = doc;
  for (const t of path.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(t)] : isObject(node) ? node[t] : undefined;
    if (node === undefined) throw new PatchError(false, `doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(node) && !isObject(node))
    throw new PatchError(false, `doc is missing path: "${pointer}"`);
  return { parent: node, key: path[path.length - 1]! };
}

function get(doc: Json, pointer: string): Json {
  let node = doc;
  for (const t of tokens(pointer)) {
    node = Array.isArray(node) ? node[Number(t)] : isObject(node) ? node[t] : undefined;
    if (node === undefined) throw new PatchError(false, `doc is missing path: "${pointer}"`);
  }
  return node;
}

function remove(doc: Json, pointer: string): Json {
  const { parent, key } = parentOf(doc, tokens(pointer), pointer);
  const value = get(doc, pointer);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const path = tokens(pointer);
  if (path.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, path, pointer);
  if (replace) get(doc, pointer);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new PatchError(false, `invalid array index "${key}"`);
    parent.splice(index, replace ? 1 : 0, structuredClone(value));
  } else parent[key] = structuredClone(value);
  return doc;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw new PatchError(true, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const raw of operations as Operation[]) {
    const { op, path } = raw;
    if (op === 'add') doc = add(doc, path, raw.value, false);
    else if (op === 'replace') doc = add(doc, path, raw.value, true);
    else if (op === 'remove') remove(doc, path);
    else if (op === 'move') doc = add(doc, path, remove(doc, raw.from ?? ''), false);
    else if (op === 'copy') doc = add(doc, path, get(doc, raw.from ?? ''), false);
    else if (op === 'test') {
      if (!isDeepStrictEqual(get(doc, path), raw.value))
        throw new PatchError(false, `testing value ${path} failed`);
    } else throw new PatchError(false, `Unexpected kind: ${op}`);
  }
  return doc;
}

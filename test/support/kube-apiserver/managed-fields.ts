/** managedFields bookkeeping for Update operations and server-side apply (contract §3.6). */
import { ApiError } from './status.js';
import type { FieldPath } from './field-paths.js';
import {
  fromFieldsV1,
  leafPaths,
  parsePathKey,
  pathKey,
  renderPath,
  sameValue,
  toFieldsV1,
  valueAt,
} from './field-paths.js';
import type { KubeObject, ManagedFieldsEntry } from './types.js';

interface Owner {
  readonly entry: ManagedFieldsEntry;
  readonly paths: Set<string>;
}

export interface Writer {
  readonly manager: string;
  readonly subresource?: string;
  readonly apiVersion: string;
  readonly now: string;
}

const sameWriter = (e: ManagedFieldsEntry, w: Writer, operation: 'Apply' | 'Update') =>
  e.manager === w.manager && e.operation === operation && (e.subresource ?? '') === (w.subresource ?? '');

const ownersOf = (entries: readonly ManagedFieldsEntry[]): Owner[] =>
  entries.map((entry) => ({ entry, paths: new Set(fromFieldsV1(entry.fieldsV1).map(pathKey)) }));

/** True when `owned` is `key` or lies below or above it. */
const overlaps = (owned: string, key: string) =>
  owned === key || owned.startsWith(key.slice(0, -1) + ',') || key.startsWith(owned.slice(0, -1) + ',');

function withPaths(
  w: Writer,
  operation: 'Apply' | 'Update',
  paths: Set<string>,
  previous?: ManagedFieldsEntry,
): ManagedFieldsEntry {
  const fieldsV1 = toFieldsV1([...paths].sort().map(parsePathKey));
  const unchanged = previous && sameValue(previous.fieldsV1, fieldsV1);
  return {
    manager: w.manager,
    operation,
    apiVersion: w.apiVersion,
    time: unchanged ? previous.time : w.now,
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(w.subresource ? { subresource: w.subresource } : {}),
  };
}

/** Rebuilds the entry list: others keep their order, the writer's entry is replaced or appended. */
function rebuild(
  owners: Owner[],
  mine: ManagedFieldsEntry,
  isMine: (e: ManagedFieldsEntry) => boolean,
): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const o of owners) {
    if (isMine(o.entry)) {
      placed = true;
      if (o.paths.size > 0 || Object.keys(mine.fieldsV1).length > 0) out.push(mine);
    } else if (o.paths.size > 0)
      out.push({ ...o.entry, fieldsV1: toFieldsV1([...o.paths].sort().map(parsePathKey)) });
  }
  if (!placed && Object.keys(mine.fieldsV1).length > 0) out.push(mine);
  return out.filter((e) => Object.keys(e.fieldsV1).length > 0);
}

/** Update operations never conflict: fields whose values they change move to the writer. */
export function recordUpdate(
  entries: readonly ManagedFieldsEntry[],
  w: Writer,
  before: KubeObject | undefined,
  after: KubeObject,
) {
  const old = before ? leafPaths(before, w.subresource) : new Map<string, unknown>();
  const now = leafPaths(after, w.subresource);
  const changed = [...now.keys()].filter((k) => !old.has(k) || !sameValue(old.get(k), now.get(k)));
  const removed = [...old.keys()].filter((k) => !now.has(k));
  if (changed.length === 0 && removed.length === 0) return [...entries];
  const owners = ownersOf(entries);
  const isMine = (e: ManagedFieldsEntry) => sameWriter(e, w, 'Update');
  for (const o of owners) for (const k of [...changed, ...removed]) o.paths.delete(k);
  const mineBefore = owners.find((o) => isMine(o.entry));
  const paths = new Set([...(mineBefore?.paths ?? []), ...changed]);
  return rebuild(owners, withPaths(w, 'Update', paths), isMine);
}

export interface ApplyPlan {
  readonly entries: ManagedFieldsEntry[];
  /** Paths the manager applied before but not now, which nobody else owns: remove them. */
  readonly released: FieldPath[];
}

/** Ownership after an apply, or 409 Conflict when another manager owns a changed field. */
export function planApply(
  entries: readonly ManagedFieldsEntry[],
  w: Writer,
  live: KubeObject | undefined,
  body: KubeObject,
  merged: KubeObject,
  force: boolean,
): ApplyPlan {
  const applied = leafPaths(body, w.subresource);
  const owners = ownersOf(entries);
  const isMine = (e: ManagedFieldsEntry) => sameWriter(e, w, 'Apply');
  const others = owners.filter((o) => !isMine(o.entry));
  // Conflicts come from fields the merge would change, so an applied `{}` over a filled object is no change.
  // Only other managers' fields can conflict or change hands: with none, there is nothing to compare.
  const changedKeys =
    others.length === 0
      ? []
      : [...applied.keys()].filter(
          (k) => !sameValue(valueAt(merged, parsePathKey(k)), valueAt(live, parsePathKey(k))),
        );
  const conflicts = others.flatMap((o) =>
    changedKeys.flatMap((k) =>
      [...o.paths].some((p) => overlaps(p, k)) ? [{ owner: o.entry, path: parsePathKey(k) }] : [],
    ),
  );
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const o of others)
    for (const k of changedKeys) for (const p of [...o.paths]) if (overlaps(p, k)) o.paths.delete(p);
  const previous = owners.find((o) => isMine(o.entry));
  const ownedByOthers = (k: string) => others.some((o) => o.paths.has(k));
  const released = [...(previous?.paths ?? [])]
    .filter((k) => !applied.has(k) && !ownedByOthers(k))
    .map(parsePathKey);
  const mine = withPaths(w, 'Apply', new Set(applied.keys()), previous?.entry);
  return { entries: rebuild(owners, mine, isMine), released };
}

function ownerLabel(e: ManagedFieldsEntry): string {
  const sub = e.subresource ? ` with subresource "${e.subresource}"` : '';
  return e.operation === 'Apply' ? `"${e.manager}"${sub}` : `"${e.manager}" using ${e.apiVersion}${sub}`;
}

function conflictError(conflicts: { owner: ManagedFieldsEntry; path: FieldPath }[]): ApiError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${ownerLabel(c.owner)}`,
    field: renderPath(c.path),
  }));
  const n = conflicts.length;
  let message: string;
  if (n === 1) message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  else {
    const byOwner = new Map<string, string[]>();
    for (const c of conflicts)
      byOwner.set(ownerLabel(c.owner), [...(byOwner.get(ownerLabel(c.owner)) ?? []), renderPath(c.path)]);
    const blocks = [...byOwner].map(
      ([owner, paths]) => `conflicts with ${owner}:\n${paths.map((p) => `- ${p}`).join('\n')}`,
    );
    message = `Apply failed with ${n} conflicts: ${blocks.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

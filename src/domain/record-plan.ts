/**
 * What a git sync must write so the database equals the directory: computed in memory by canonical
 * hash, then applied by the store as set-based statements in one transaction (architecture §3).
 */
import type { JsonObject } from './manifest.js';

export interface RecordSource {
  readonly file: string;
  readonly documentIndex: number;
  readonly line: number;
  readonly commit: string;
}

export interface DesiredRecord {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: JsonObject;
  readonly canonicalHash: string;
  readonly source: RecordSource;
}

export interface ExistingRecord {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly canonicalHash: string;
  readonly sourceFile: string | null;
  readonly sourceDocument: number | null;
  readonly sourceLine: number | null;
}

export interface RecordPlan {
  readonly creates: readonly DesiredRecord[];
  /** Content changed: the record is re-applied (state back to PENDING). */
  readonly updates: readonly (DesiredRecord & { readonly id: string })[];
  /** Same content, moved within or between files: only the source columns change. */
  readonly moves: readonly (DesiredRecord & { readonly id: string })[];
  readonly deletes: readonly ExistingRecord[];
  readonly unchanged: number;
  /** Records per kind after the plan is applied. */
  readonly kindCounts: Readonly<Record<string, number>>;
}

export const recordKey = (r: { kind: string; namespace: string; name: string }): string =>
  `${r.kind}/${r.namespace}/${r.name}`;

export function planRecordChanges(
  existing: readonly ExistingRecord[],
  desired: readonly DesiredRecord[],
): RecordPlan {
  const current = new Map(existing.map((r) => [recordKey(r), r]));
  const creates: DesiredRecord[] = [];
  const updates: (DesiredRecord & { id: string })[] = [];
  const moves: (DesiredRecord & { id: string })[] = [];
  const kindCounts: Record<string, number> = {};
  let unchanged = 0;
  for (const record of desired) {
    kindCounts[record.kind] = (kindCounts[record.kind] ?? 0) + 1;
    const key = recordKey(record);
    const before = current.get(key);
    current.delete(key);
    if (!before) creates.push(record);
    else if (before.canonicalHash !== record.canonicalHash) updates.push({ ...record, id: before.id });
    else if (sourceMoved(before, record.source)) moves.push({ ...record, id: before.id });
    else unchanged += 1;
  }
  return { creates, updates, moves, deletes: [...current.values()], unchanged, kindCounts };
}

const sourceMoved = (before: ExistingRecord, source: RecordSource): boolean =>
  before.sourceFile !== source.file ||
  before.sourceDocument !== source.documentIndex ||
  before.sourceLine !== source.line;

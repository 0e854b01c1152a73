/**
 * What depends on a record, and what the fabric refuses if it is deleted (REFERENCE §1.7). The walk
 * follows references backwards (a Connection names a Switch, so it depends on the Switch), one level
 * at a time, so the caller can fetch each level in one statement. Records an impacted attachment or
 * peering joins lose that attachment or peering: they are reported too, but not walked further.
 */
import { EDGES, type EdgeName } from './reference-edges.js';

/**
 * The references the fabric's validating webhooks protect: deleting the target is refused while an
 * object referencing it this way exists, and the phrase says so. Edges left out (relay VPCs, switch
 * groups, profiles) do not block a delete.
 */
export const DELETE_REFUSED_WHILE: Readonly<Partial<Record<EdgeName, string>>> = {
  attachmentVpc: 'VPCAttachments use it',
  peeringVpc: 'VPCPeerings name it',
  extPeeringVpc: 'ExternalPeerings name it',
  connectionWithinVpc: 'static-external Connections are within it',
  extAttachmentExternal: 'ExternalAttachments reference it',
  extPeeringExternal: 'ExternalPeerings reference it',
  vpcIpv4Namespace: 'VPCs use it',
  externalIpv4Namespace: 'Externals use it',
  vpcVlanNamespace: 'VPCs use it',
  switchVlanNamespace: 'Switches use it',
  attachmentConnection: 'VPCAttachments are on it',
  extAttachmentConnection: 'ExternalAttachments are on it',
  connectionSwitch: 'Connections include it',
  connectionServer: 'Connections include it',
};

/** Kinds that join other records: when one is impacted, the records it names lose it. */
const JOINING_KINDS: ReadonlySet<string> = new Set([
  'VPCAttachment',
  'ExternalAttachment',
  'VPCPeering',
  'ExternalPeering',
]);

export const IMPACT_DEPTH = { min: 1, max: 10, default: 3 } as const;
/** At most this many impacted records per answer; a larger impact is cut and marked truncated. */
export const MAX_IMPACT_RECORDS = 500;

export type ImpactRelation = 'ROOT' | 'DEPENDS_ON' | 'LOSES';

export interface ImpactHop {
  readonly kind: string;
  readonly name: string;
  readonly relation: ImpactRelation;
  /**
   * The reference joining this hop to the previous one (domain/reference-edges.ts): DEPENDS_ON, this
   * record references the previous one; LOSES, the previous one (an attachment or peering) references
   * this one. Null at the root.
   */
  readonly edge: EdgeName | null;
  /** Where in the referring object's spec the reference is written. */
  readonly field: string | null;
}

export interface Named {
  readonly kind: string;
  readonly name: string;
}

export interface Impacted<T extends Named> {
  readonly record: T;
  /** References between the root and this record: 1 for a direct dependent. */
  readonly depth: number;
  /** Root first, this record last. */
  readonly path: readonly ImpactHop[];
}

/** One row of the reference index: `source` references `targetKind/targetName` through `edge`. */
export interface ReferenceRow<T extends Named> {
  readonly source: T;
  readonly edge: string;
  readonly field: string;
  readonly targetKind: string;
  readonly targetName: string;
}

export interface DeleteBlocker<T extends Named> {
  readonly record: T;
  readonly edge: EdgeName;
  readonly field: string;
  readonly reason: string;
}

const keyOf = (r: Named) => `${r.kind}/${r.name}`;
const isEdge = (edge: string): edge is EdgeName => Object.hasOwn(EDGES, edge);
/** Deterministic order: by kind, name, then field, so the first path found per record is stable. */
const byRecordThenField = <T extends Named>(a: ReferenceRow<T>, b: ReferenceRow<T>) =>
  a.source.kind.localeCompare(b.source.kind) ||
  a.source.name.localeCompare(b.source.name) ||
  a.field.localeCompare(b.field);

/** What refuses deleting `root`: its direct dependents through a protected reference, one per record. */
export function deleteBlockers<T extends Named>(
  root: Named,
  direct: readonly ReferenceRow<T>[],
): DeleteBlocker<T>[] {
  const blockers = new Map<string, DeleteBlocker<T>>();
  for (const row of [...direct].sort(byRecordThenField)) {
    const { edge } = row;
    if (!isEdge(edge) || row.targetKind !== root.kind || row.targetName !== root.name) continue;
    const phrase = DELETE_REFUSED_WHILE[edge];
    if (!phrase) continue;
    const key = keyOf(row.source);
    if (blockers.has(key)) continue;
    blockers.set(key, {
      record: row.source,
      edge,
      field: row.field,
      reason: `the webhook refuses deleting ${root.kind} ${root.name} while ${phrase}: ${row.source.kind} ${row.source.name} (${row.field})`,
    });
  }
  return [...blockers.values()];
}

/**
 * The breadth-first walk, fed one level of rows at a time: `frontier()` says whose dependents to
 * fetch next, `addDependents(rows)` takes them. Each record appears once, with its shortest path.
 */
export class ImpactWalk<T extends Named> {
  private readonly found = new Map<string, Impacted<T>>();
  private level: Impacted<T>[];
  truncated = false;

  constructor(
    root: T,
    readonly maxDepth: number,
    private readonly limit = MAX_IMPACT_RECORDS,
  ) {
    const hop: ImpactHop = { kind: root.kind, name: root.name, relation: 'ROOT', edge: null, field: null };
    this.level = [{ record: root, depth: 0, path: [hop] }];
    this.found.set(keyOf(root), this.level[0]!);
  }

  /** The records whose dependents the next level holds; empty when the walk is over. */
  frontier(): T[] {
    const depth = this.level[0]?.depth ?? this.maxDepth;
    return depth < this.maxDepth && !this.truncated ? this.level.map((e) => e.record) : [];
  }

  /** Takes the reference rows pointing at the current frontier. */
  addDependents(rows: readonly ReferenceRow<T>[]): void {
    const parents = new Map(this.level.map((e) => [keyOf(e.record), e]));
    const next: Impacted<T>[] = [];
    for (const row of [...rows].sort(byRecordThenField)) {
      const parent = parents.get(`${row.targetKind}/${row.targetName}`);
      if (!parent || !isEdge(row.edge)) continue;
      const { kind, name } = row.source;
      const hop: ImpactHop = { kind, name, relation: 'DEPENDS_ON', edge: row.edge, field: row.field };
      const entry = this.add(row.source, parent, hop);
      if (entry) next.push(entry);
    }
    this.level = next;
  }

  /** Impacted attachments and peerings that may still add the records they join (within the depth). */
  joiners(): T[] {
    return this.entries()
      .filter((e) => JOINING_KINDS.has(e.record.kind) && e.depth < this.maxDepth)
      .map((e) => e.record);
  }

  /** Takes the references the joiners make; their targets not yet impacted lose the attachment or peering. */
  addJoined(rows: readonly { joiner: T; edge: string; field: string; target: T }[]): void {
    const sorted = [...rows].sort(
      (a, b) => keyOf(a.joiner).localeCompare(keyOf(b.joiner)) || a.field.localeCompare(b.field),
    );
    for (const { joiner, edge, field, target } of sorted) {
      const parent = this.found.get(keyOf(joiner));
      if (!parent || !isEdge(edge) || parent.depth >= this.maxDepth) continue;
      this.add(target, parent, { kind: target.kind, name: target.name, relation: 'LOSES', edge, field });
    }
  }

  /** Every impacted record (the root left out), nearest first. */
  entries(): Impacted<T>[] {
    return [...this.found.values()].filter((e) => e.depth > 0).sort((a, b) => a.depth - b.depth);
  }

  private add(record: T, parent: Impacted<T>, hop: ImpactHop): Impacted<T> | undefined {
    const key = keyOf(record);
    if (this.found.has(key)) return undefined;
    if (this.found.size - 1 >= this.limit) {
      this.truncated = true;
      return undefined;
    }
    const entry = { record, depth: parent.depth + 1, path: [...parent.path, hop] };
    this.found.set(key, entry);
    return entry;
  }
}

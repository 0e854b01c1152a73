/**
 * Set-based record writes: a whole git sync lands in one transaction of a few multi-row
 * statements (chunked to stay under PostgreSQL's parameter limit), never a round trip per row.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DesiredRecord, ExistingRecord, RecordPlan } from '../domain/record-plan.js';

export interface ReferenceRow {
  readonly sourceKey: string;
  readonly edge: string;
  readonly field: string;
  readonly targetKind: string;
  readonly targetName: string;
}

export interface PlanWrite {
  readonly fabricId: string;
  readonly plan: RecordPlan;
  /** References of every created or updated record, keyed by recordKey of their source. */
  readonly references: readonly ReferenceRow[];
  readonly commit: string;
  readonly tree: string | null;
}

const CHUNK = 1000;

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};

const keyOf = (r: { kind: string; namespace: string; name: string }) => `${r.kind}/${r.namespace}/${r.name}`;

export class RecordStore {
  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  async loadExisting(fabricId: string): Promise<ExistingRecord[]> {
    const rows = await this.knex('record')
      .select(
        'id',
        'kind',
        'namespace',
        'name',
        'canonical_hash',
        'source_file',
        'source_document',
        'source_line',
      )
      .where('fabric_id', fabricId);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      canonicalHash: r.canonical_hash,
      sourceFile: r.source_file,
      sourceDocument: r.source_document,
      sourceLine: r.source_line,
    }));
  }

  /** Applies the plan and the fabric's new counts and synced commit atomically: all or nothing. */
  async write({ fabricId, plan, references, commit, tree }: PlanWrite): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const now = new Date();
      for (const part of chunks(plan.deletes.map((d) => d.id)))
        await trx('record').whereIn('id', part).delete();
      const ids = new Map<string, string>();
      for (const part of chunks(plan.creates)) {
        const rows = part.map((r) => {
          const id = randomUUID();
          ids.set(keyOf(r), id);
          return {
            id,
            fabric_id: fabricId,
            ...contentColumns(r),
            state: 'PENDING',
            created_at: now,
            updated_at: now,
          };
        });
        await trx('record').insert(rows);
      }
      await this.updateRows(trx, plan.updates, now, true);
      await this.updateRows(trx, plan.moves, now, false);
      for (const r of plan.updates) ids.set(keyOf(r), r.id);
      await this.replaceReferences(trx, fabricId, ids, references);
      await trx('fabric')
        .where('id', fabricId)
        .update({
          kind_counts: JSON.stringify(plan.kindCounts),
          synced_commit: commit,
          synced_tree: tree,
          updated_at: now,
        });
    });
  }

  /** Multi-row UPDATE … FROM (VALUES …): one statement per chunk. */
  private async updateRows(
    trx: Knex.Transaction,
    rows: readonly (DesiredRecord & { id: string })[],
    now: Date,
    contentChanged: boolean,
  ): Promise<void> {
    for (const part of chunks(rows)) {
      const values = part
        .map(() => '(?::uuid, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?::int, ?::int, ?)')
        .join(', ');
      const params = part.flatMap((r) => {
        const c = contentColumns(r);
        return [
          r.id,
          c.labels,
          c.annotations,
          c.spec,
          c.canonical_hash,
          c.source_file,
          c.source_document,
          c.source_line,
          c.source_commit,
        ];
      });
      const reset = contentChanged ? `, state = 'PENDING', state_message = null` : '';
      await trx.raw(
        `update record set labels = v.labels, annotations = v.annotations, spec = v.spec,
           canonical_hash = v.hash, source_file = v.file, source_document = v.doc, source_line = v.line,
           source_commit = v.commit, updated_at = ?${reset}
         from (values ${values}) as v(id, labels, annotations, spec, hash, file, doc, line, commit)
         where record.id = v.id`,
        [now, ...params],
      );
    }
  }

  private async replaceReferences(
    trx: Knex.Transaction,
    fabricId: string,
    ids: ReadonlyMap<string, string>,
    references: readonly ReferenceRow[],
  ): Promise<void> {
    for (const part of chunks([...ids.values()]))
      await trx('record_reference').whereIn('source_id', part).delete();
    const rows = references.flatMap((ref) => {
      const sourceId = ids.get(ref.sourceKey);
      return sourceId
        ? [
            {
              id: randomUUID(),
              fabric_id: fabricId,
              source_id: sourceId,
              edge: ref.edge,
              field: ref.field,
              target_kind: ref.targetKind,
              target_name: ref.targetName,
            },
          ]
        : [];
    });
    for (const part of chunks(rows)) await trx('record_reference').insert(part);
  }
}

function contentColumns(r: DesiredRecord) {
  return {
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    labels: JSON.stringify(r.labels),
    annotations: JSON.stringify(r.annotations),
    spec: JSON.stringify(r.spec),
    canonical_hash: r.canonicalHash,
    source_file: r.source.file,
    source_document: r.source.documentIndex,
    source_line: r.source.line,
    source_commit: r.source.commit,
  };
}

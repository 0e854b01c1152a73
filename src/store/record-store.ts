/**
 * Set-based record writes: a whole git sync lands in one transaction of a few multi-row
 * statements (chunked to stay under PostgreSQL's parameter limit), never a round trip per row.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  recordKey,
  type DesiredRecord,
  type ExistingRecord,
  type RecordPlan,
} from '../domain/record-plan.js';
import { chunks } from './chunks.js';

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

/**
 * What differingRecords compares: identity, content hash and place of a desired row, as the
 * database computes it for a stored one (md5 only tells rows apart here; it guards no secret).
 */
export const rowDigest = (r: DesiredRecord): string =>
  createHash('md5')
    .update(
      [
        r.kind,
        r.namespace,
        r.name,
        r.canonicalHash,
        r.source.file,
        r.source.documentIndex,
        r.source.line,
      ].join('\n'),
    )
    .digest('hex');

type Row = Record<string, string | number | null>;

/** The columns an ExistingRecord is read from (existingOf). */
const EXISTING_COLUMNS = [
  'id',
  'kind',
  'namespace',
  'name',
  'canonical_hash',
  'source_file',
  'source_document',
  'source_line',
];

const existingOf = (r: Row): ExistingRecord => ({
  id: r['id'] as string,
  kind: r['kind'] as string,
  namespace: r['namespace'] as string,
  name: r['name'] as string,
  canonicalHash: r['canonical_hash'] as string,
  sourceFile: r['source_file'] as string | null,
  sourceDocument: r['source_document'] as number | null,
  sourceLine: r['source_line'] as number | null,
});

export class RecordStore {
  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  async loadExisting(fabricId: string): Promise<ExistingRecord[]> {
    const rows: Row[] = await this.knex('record').select(EXISTING_COLUMNS).where('fabric_id', fabricId);
    return rows.map(existingOf);
  }

  /**
   * Compares the desired rows with the stored ones inside PostgreSQL, so only what differs crosses
   * the wire. Each desired row is sent as its rowDigest; the stored rows whose digest is not among
   * them come back (changed, moved or no longer desired), and so do the desired digests that match
   * no stored row (new, changed or moved).
   */
  async differingRecords(
    fabricId: string,
    digests: readonly string[],
  ): Promise<{ differing: ExistingRecord[]; unmatched: string[] }> {
    const { rows } = await this.knex.raw<{ rows: Row[] }>(
      `with d as (select unnest(?::text[]) as digest),
            r as (select ${EXISTING_COLUMNS.join(', ')},
                         md5(concat_ws(E'\\n', kind, namespace, name, canonical_hash, coalesce(source_file, ''),
                                       coalesce(source_document, -1), coalesce(source_line, -1))) as digest
                  from record where fabric_id = ?)
       select ${EXISTING_COLUMNS.join(', ')}, null as unmatched
       from r where not exists (select 1 from d where d.digest = r.digest)
       union all
       select ${EXISTING_COLUMNS.map(() => 'null').join(', ')}, d.digest
       from d where not exists (select 1 from r where r.digest = d.digest)`,
      // An array literal: hex digests need no quoting, and knex would spread a JS array into a list.
      [`{${digests.join(',')}}`, fabricId],
    );
    const differing: ExistingRecord[] = [];
    const unmatched: string[] = [];
    for (const r of rows) {
      if (r['id'] === null) {
        unmatched.push(r['unmatched'] as string);
        continue;
      }
      differing.push(existingOf(r));
    }
    return { differing, unmatched };
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
          ids.set(recordKey(r), id);
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
      for (const r of plan.updates) ids.set(recordKey(r), r.id);
      // Only an updated record has stored references to replace: a created one has a fresh id.
      for (const part of chunks(plan.updates.map((r) => r.id)))
        await trx('record_reference').whereIn('source_id', part).delete();
      await this.insertReferences(trx, fabricId, ids, references);
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

  private async insertReferences(
    trx: Knex.Transaction,
    fabricId: string,
    ids: ReadonlyMap<string, string>,
    references: readonly ReferenceRow[],
  ): Promise<void> {
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

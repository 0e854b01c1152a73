/** `Fabric.records(...)` and `records(fabricId, ...)`: pages of records, batched across fabrics. */
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ResourceRecord } from '../store/entities/index.js';
import { createFabricPageLoader, type FabricPageArgs } from './fabric-pages.js';
import type { GRecordFilter } from './generated/graphql.js';
import { likePattern } from './lists.js';

export interface RecordPageArgs extends FabricPageArgs {
  readonly kind?: string | null;
  readonly filter?: GRecordFilter | null;
}

function narrowRecords(q: Knex.QueryBuilder, args: RecordPageArgs): void {
  const f = args.filter ?? {};
  if (args.kind) q.where('kind', args.kind);
  if (f.name) q.where('name', f.name);
  if (f.nameContains) q.whereRaw(`name ilike ? escape '\\'`, [likePattern(f.nameContains)]);
  if (f.state) q.where('state', f.state);
  if (f.sourceFile) q.where('source_file', f.sourceFile);
  if (f.labels && typeof f.labels === 'object') q.whereRaw('labels @> ?::jsonb', [JSON.stringify(f.labels)]);
}

const hasFilter = (args: RecordPageArgs) =>
  Object.values(args.filter ?? {}).some((v) => v !== null && v !== undefined);

export const createRecordPageLoader = (em: EntityManager) =>
  createFabricPageLoader(em, {
    table: 'record',
    entity: ResourceRecord,
    keyColumns: ['kind', 'namespace', 'name'],
    descending: false,
    keyOf: (r) => [r.kind, r.namespace, r.name],
    narrow: narrowRecords,
    // Without a filter the fabric's kept per-kind counts answer totalCount with no query.
    knownTotal: (fabric, args) =>
      hasFilter(args)
        ? undefined
        : args.kind
          ? (fabric.kindCounts[args.kind] ?? 0)
          : Object.values(fabric.kindCounts).reduce((a, b) => a + b, 0),
  });

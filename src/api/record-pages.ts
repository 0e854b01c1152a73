/**
 * `Fabric.records(...)` for many fabrics at once: one windowed query per distinct argument set
 * (row_number per fabric), so a list of fabrics with their records is a constant number of statements.
 */
import DataLoader from 'dataloader';
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ResourceRecord, type Fabric } from '../store/entities/index.js';
import type { GRecordFilter } from './generated/graphql.js';
import { decodeCursor, pageSize, toPage, type Page } from './pagination.js';

export interface RecordPageArgs {
  readonly kind?: string | null;
  readonly first?: number | null;
  readonly after?: string | null;
  readonly filter?: GRecordFilter | null;
}

function applyFilter(q: Knex.QueryBuilder, args: RecordPageArgs): void {
  const f = args.filter ?? {};
  if (args.kind) q.where('kind', args.kind);
  if (f.name) q.where('name', f.name);
  if (f.nameContains)
    q.whereRaw(`name ilike ? escape '\\'`, [`%${f.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
  if (f.state) q.where('state', f.state);
  if (f.sourceFile) q.where('source_file', f.sourceFile);
  if (f.labels && typeof f.labels === 'object') q.whereRaw('labels @> ?::jsonb', [JSON.stringify(f.labels)]);
}

const hasFilter = (args: RecordPageArgs) =>
  Object.values(args.filter ?? {}).some((v) => v !== null && v !== undefined);

export function createRecordPageLoader(em: EntityManager) {
  const knex = em.getConnection().getKnex();
  const groups = new Map<string, DataLoader<Fabric, Page<ResourceRecord>>>();

  const countLoader = (args: RecordPageArgs) =>
    new DataLoader<string, number>(async (fabricIds) => {
      const q = knex('record')
        .select('fabric_id')
        .count('* as n')
        .whereIn('fabric_id', [...fabricIds])
        .groupBy('fabric_id');
      applyFilter(q, args);
      const counts = new Map((await q).map((r) => [r['fabric_id'] as string, Number(r['n'])]));
      return fabricIds.map((id) => counts.get(id) ?? 0);
    });

  const makeLoader = (args: RecordPageArgs) => {
    const limit = pageSize(args.first);
    const after = decodeCursor(args.after, 3);
    const counts = countLoader(args);
    return new DataLoader<Fabric, Page<ResourceRecord>, string>(
      async (fabrics) => {
        const inner = knex('record')
          .select(
            '*',
            knex.raw('row_number() over (partition by fabric_id order by kind, namespace, name) as rn'),
          )
          .whereIn(
            'fabric_id',
            fabrics.map((f) => f.id),
          );
        applyFilter(inner, args);
        if (after) inner.whereRaw('(kind, namespace, name) > (?, ?, ?)', [...after]);
        const rows: Record<string, unknown>[] = await knex
          .select('*')
          .from(inner.as('t'))
          .where('rn', '<=', limit + 1)
          .orderBy(['fabric_id', 'rn']);
        const byFabric = new Map<string, ResourceRecord[]>();
        for (const { rn: _rn, ...row } of rows) {
          const record = em.map(ResourceRecord, row);
          byFabric.set(record.fabric.id, [...(byFabric.get(record.fabric.id) ?? []), record]);
        }
        return fabrics.map((fabric) =>
          toPage(
            byFabric.get(fabric.id) ?? [],
            limit,
            (r) => [r.kind, r.namespace, r.name],
            async () =>
              hasFilter(args)
                ? counts.load(fabric.id)
                : args.kind
                  ? (fabric.kindCounts[args.kind] ?? 0)
                  : Object.values(fabric.kindCounts).reduce((a, b) => a + b, 0),
          ),
        );
      },
      { cacheKeyFn: (fabric) => fabric.id },
    );
  };

  return {
    load(fabric: Fabric, args: RecordPageArgs): Promise<Page<ResourceRecord>> {
      const key = JSON.stringify([
        args.kind ?? null,
        args.first ?? null,
        args.after ?? null,
        args.filter ?? null,
      ]);
      let loader = groups.get(key);
      if (!loader) groups.set(key, (loader = makeLoader(args)));
      return loader.load(fabric);
    },
  };
}

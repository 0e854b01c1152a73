/**
 * A page of one fabric's rows (records, operations, …) for many fabrics at once: one query per
 * distinct argument set (a LATERAL page per fabric), so a list of fabrics with a nested connection
 * costs a constant number of statements, whatever the number of fabrics.
 */
import DataLoader from 'dataloader';
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Fabric } from '../store/entities/index.js';
import { groupedBy } from './group-rows.js';
import { decodeCursor, pageSize, toPage, type CursorKey, type Page } from './pagination.js';

export interface FabricPageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface FabricPageSpec<T extends { fabric: { id: string } }, A extends FabricPageArgs> {
  readonly table: string;
  readonly entity: new () => T;
  /** The keyset: columns in sort order, all ascending or all descending. */
  readonly keyColumns: readonly string[];
  readonly descending: boolean;
  readonly keyOf: (row: T) => CursorKey;
  /** Narrows the rows to the arguments' filter (the fabric is already narrowed). */
  readonly narrow: (q: Knex.QueryBuilder, args: A) => void;
  /** A total known without a query (e.g. kept counts), or undefined to count the narrowed rows. */
  readonly knownTotal?: (fabric: Fabric, args: A) => number | undefined;
}

export interface FabricPageLoader<T, A> {
  load(fabric: Fabric, args: A): Promise<Page<T>>;
}

export function createFabricPageLoader<T extends { fabric: { id: string } }, A extends FabricPageArgs>(
  em: EntityManager,
  spec: FabricPageSpec<T, A>,
): FabricPageLoader<T, A> {
  const knex = em.getConnection().getKnex();
  const direction = spec.descending ? 'desc' : 'asc';
  const keyList = spec.keyColumns.join(', ');
  const groups = new Map<string, DataLoader<Fabric, Page<T>>>();

  const countLoader = (args: A) =>
    new DataLoader<string, number>(async (fabricIds) => {
      const q = knex(spec.table)
        .select('fabric_id')
        .count('* as n')
        .whereIn('fabric_id', [...fabricIds])
        .groupBy('fabric_id');
      spec.narrow(q, args);
      const counts = new Map((await q).map((r) => [r['fabric_id'] as string, Number(r['n'])]));
      return fabricIds.map((id) => counts.get(id) ?? 0);
    });

  const makeLoader = (args: A) => {
    const limit = pageSize(args.first);
    const after = decodeCursor(args.after, spec.keyColumns.length);
    const counts = countLoader(args);
    return new DataLoader<Fabric, Page<T>, string>(
      async (fabrics) => {
        // Per fabric, the keyset index reads just the page (a window over every row of the
        // fabric read all 10,000 records of a large one, jsonb included, for 20 of them).
        const page = knex(spec.table)
          .select('*')
          .whereRaw('fabric_id = f.id')
          .orderBy(spec.keyColumns.map((column) => ({ column, order: direction })))
          .limit(limit + 1);
        spec.narrow(page, args);
        if (after)
          page.whereRaw(`(${keyList}) ${spec.descending ? '<' : '>'} (${after.map(() => '?').join(', ')})`, [
            ...after,
          ]);
        const { sql, bindings } = page.toSQL();
        const { rows } = await knex.raw<{ rows: Record<string, unknown>[] }>(
          `select t.* from unnest(?::uuid[]) as f(id) cross join lateral (${sql}) as t`,
          [fabrics.map((f) => f.id), ...bindings],
        );
        const entities = rows.map((row) => em.map(spec.entity, row));
        const byFabric = groupedBy(
          fabrics.map((fabric) => fabric.id),
          entities,
          (entity) => entity.fabric.id,
        );
        return fabrics.map((fabric, i) =>
          toPage(byFabric[i]!, limit, spec.keyOf, async () => {
            const known = spec.knownTotal?.(fabric, args);
            return known ?? counts.load(fabric.id);
          }),
        );
      },
      { cacheKeyFn: (fabric) => fabric.id },
    );
  };

  return {
    load(fabric, args) {
      const key = JSON.stringify(args);
      let loader = groups.get(key);
      if (!loader) groups.set(key, (loader = makeLoader(args)));
      return loader.load(fabric);
    },
  };
}

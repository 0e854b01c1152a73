/**
 * A page of one fabric's rows (records, operations, …) for many fabrics at once: one query per
 * distinct argument set (a LATERAL page per fabric), so a list of fabrics with a nested connection
 * costs a constant number of statements, whatever the number of fabrics. The count and the
 * far-side PageInfo flag are batched the same way, and queried only when asked for.
 */
import DataLoader from 'dataloader';
import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Fabric } from '../store/entities/index.js';
import { groupedBy } from './group-rows.js';
import {
  beyondCondition,
  pageWindow,
  rangeConditions,
  toPage,
  type CursorKey,
  type KeysetOperator,
  type Page,
  type PageArgs,
} from './pagination.js';

export type FabricPageArgs = PageArgs;

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
  const keyList = spec.keyColumns.join(', ');
  const groups = new Map<string, DataLoader<Fabric, Page<T>>>();

  const compareKey = (
    q: Knex.QueryBuilder,
    { operator, key }: { operator: KeysetOperator; key: CursorKey },
  ) => q.whereRaw(`(${keyList}) ${operator} (${key.map(() => '?').join(', ')})`, [...key]);

  /** The fabric's rows that `narrow` keeps, as a subquery correlated with `f.id`. */
  const rowsOfFabric = (args: A, columns: string) => {
    const q = knex(spec.table).select(knex.raw(columns)).whereRaw('fabric_id = f.id');
    spec.narrow(q, args);
    return q;
  };

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

  /** Which fabrics have a row beyond the window's starting cursor. */
  const beyondLoader = (args: A, beyond: { operator: KeysetOperator; key: CursorKey }) =>
    new DataLoader<string, boolean>(async (fabricIds) => {
      const { sql, bindings } = compareKey(rowsOfFabric(args, '1'), beyond).toSQL();
      const { rows } = await knex.raw<{ rows: { id: string }[] }>(
        `select f.id from unnest(?::uuid[]) as f(id) where exists (${sql})`,
        [[...fabricIds], ...bindings],
      );
      const found = new Set(rows.map((r) => r.id));
      return fabricIds.map((id) => found.has(id));
    });

  const makeLoader = (args: A) => {
    const window = pageWindow(args, spec.keyColumns.length);
    // A backward page reads the index from the other end.
    const readsDescending = spec.descending !== window.backward;
    const counts = countLoader(args);
    const beyond = beyondCondition(window, spec.descending);
    const beyondRows = beyond ? beyondLoader(args, beyond) : null;
    return new DataLoader<Fabric, Page<T>, string>(
      async (fabrics) => {
        // Per fabric, the keyset index reads just the page (a window over every row of the
        // fabric read all 10,000 records of a large one, jsonb included, for 20 of them).
        const page = rowsOfFabric(args, '*')
          .orderBy(spec.keyColumns.map((column) => ({ column, order: readsDescending ? 'desc' : 'asc' })))
          .limit(window.limit + 1);
        for (const condition of rangeConditions(window, spec.descending)) compareKey(page, condition);
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
          toPage(byFabric[i]!, window, spec.keyOf, {
            count: async () => spec.knownTotal?.(fabric, args) ?? counts.load(fabric.id),
            beyond: async () => beyondRows?.load(fabric.id) ?? false,
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

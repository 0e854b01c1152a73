/**
 * The paginated lists of the API, each one indexed keyset query plus a lazy count, already narrowed
 * to what the caller may read (a token for fabric A never sees fabric B, not even in totalCount).
 */
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Authorizer } from '../security/authz.js';
import {
  ApiToken,
  DriftDifference,
  DriftReport,
  Fabric,
  GitRepository,
  Operation,
} from '../store/entities/index.js';
import type { GFabricFilter, GOperationStatus, GRepositoryFilter } from './generated/graphql.js';
import { fromGlobalId } from './ids.js';
import {
  beyondCondition,
  emptyPage,
  pageWindow,
  rangeConditions,
  toPage,
  type CursorKey,
  type KeysetOperator,
  type Page,
  type PageArgs,
} from './pagination.js';

export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `{ fabric: … }` limited to readable fabrics, or null when the caller can read none. */
function readableFabrics(auth: Authorizer): { $in: string[] } | undefined | null {
  const ids = auth.readableFabricIds();
  if (ids === 'ALL') return undefined;
  return ids.length ? { $in: ids } : null;
}

export async function listFabrics(
  em: EntityManager,
  auth: Authorizer,
  args: PageArgs & { filter?: GFabricFilter | null },
) {
  const readable = readableFabrics(auth);
  if (readable === null) return emptyPage<Fabric>();
  const f = args.filter ?? {};
  const where: FilterQuery<Fabric> = {
    ...(readable ? { id: readable } : {}),
    ...(f.nameContains ? { name: { $ilike: likePattern(f.nameContains) } } : {}),
    ...(f.syncStatus ? { syncStatus: f.syncStatus } : {}),
    ...(f.connectionStatus ? { connectionStatus: f.connectionStatus } : {}),
    ...(f.lifecycle ? { lifecycle: f.lifecycle } : {}),
    ...(f.repositoryId
      ? { repository: fromGlobalId(f.repositoryId, 'GitRepository', 'filter.repositoryId') }
      : {}),
  };
  return keysetPage(em, Fabric, where, args, byName());
}

export async function listRepositories(
  em: EntityManager,
  auth: Authorizer,
  args: PageArgs & { filter?: GRepositoryFilter | null },
) {
  const readable = auth.isAdmin ? undefined : readableFabrics(auth);
  if (readable === null) return emptyPage<GitRepository>();
  const f = args.filter ?? {};
  const where: FilterQuery<GitRepository> = {
    ...(readable ? { id: { $in: await repositoriesOfFabrics(em, readable.$in) } } : {}),
    ...(f.nameContains ? { name: { $ilike: likePattern(f.nameContains) } } : {}),
    ...(f.connectionStatus ? { connectionStatus: f.connectionStatus } : {}),
  };
  return keysetPage(em, GitRepository, where, args, byName());
}

async function repositoriesOfFabrics(em: EntityManager, fabricIds: readonly string[]): Promise<string[]> {
  const fabrics = await em.find(
    Fabric,
    { id: { $in: [...fabricIds] }, repository: { $ne: null } },
    { fields: ['repository'] },
  );
  return [...new Set(fabrics.flatMap((f) => (f.repository ? [f.repository.id] : [])))];
}

/** How a list is sorted: unique key fields, in order, all one direction; the cursor holds their values. */
interface Keyset<T> {
  readonly fields: readonly (keyof T & string)[];
  readonly descending: boolean;
  readonly keyOf: (row: T) => CursorKey;
  /** The field values a cursor's key stands for (e.g. a timestamp's Date). */
  readonly fromCursor: (key: CursorKey) => unknown[];
}

const MIKRO_OPERATOR = { '<': '$lt', '<=': '$lte', '>': '$gt', '>=': '$gte' } as const;

/** `(f1, f2, …) op (v1, v2, …)` compared as a row (lexicographically), as a filter. */
function compareKey<T>(keyset: Keyset<T>, operator: KeysetOperator, key: CursorKey): FilterQuery<T> {
  const values = keyset.fromCursor(key);
  // Equal on the fields before, then beyond on this one: strictly, but for the last field.
  const strict = MIKRO_OPERATOR[operator.slice(0, 1) as '<' | '>'];
  return {
    $or: keyset.fields.map((field, i) => ({
      ...Object.fromEntries(keyset.fields.slice(0, i).map((f, j) => [f, values[j]])),
      [field]: { [i === keyset.fields.length - 1 ? MIKRO_OPERATOR[operator] : strict]: values[i] },
    })),
  } as FilterQuery<T>;
}

async function keysetPage<T extends object>(
  em: EntityManager,
  entity: new () => T,
  where: FilterQuery<T>,
  args: PageArgs,
  keyset: Keyset<T>,
): Promise<Page<T>> {
  const window = pageWindow(args, keyset.fields.length);
  const range = rangeConditions(window, keyset.descending).map((c) => compareKey(keyset, c.operator, c.key));
  // A backward page reads the index from the other end.
  const order = keyset.descending !== window.backward ? 'desc' : 'asc';
  const rows = await em.find(
    entity,
    { $and: [where, ...range] },
    {
      orderBy: Object.fromEntries(keyset.fields.map((f) => [f, order])) as never,
      limit: window.limit + 1,
    },
  );
  const beyond = beyondCondition(window, keyset.descending);
  return toPage(rows, window, keyset.keyOf, {
    count: () => em.count(entity, where),
    beyond: async () => {
      if (!beyond) return false;
      const probe = em
        .createQueryBuilder(entity)
        .select(keyset.fields[0]!)
        .where({ $and: [where, compareKey(keyset, beyond.operator, beyond.key)] } as FilterQuery<T>)
        .limit(1);
      return (await probe.execute('all', false)).length > 0;
    },
  });
}

const byName = <T extends { name: string }>(): Keyset<T> => ({
  fields: ['name'],
  descending: false,
  keyOf: (row) => [row.name],
  fromCursor: ([name]) => [String(name)],
});

/** Newest first; the cursor is (createdAt, id) so equal timestamps still page exactly. */
const newestFirst = <T extends { id: string; createdAt: Date }>(): Keyset<T> => ({
  fields: ['createdAt', 'id'],
  descending: true,
  keyOf: (row) => [row.createdAt.toISOString(), row.id],
  fromCursor: ([at, id]) => [new Date(String(at)), String(id)],
});

export async function listOperations(
  em: EntityManager,
  auth: Authorizer,
  args: PageArgs & { fabricId?: string | null; status?: GOperationStatus | null },
) {
  const readable = readableFabrics(auth);
  if (readable === null) return emptyPage<Operation>();
  const fabric = args.fabricId ?? readable;
  const where: FilterQuery<Operation> = {
    ...(fabric ? { fabric } : {}),
    ...(args.status ? { status: args.status } : {}),
  };
  return keysetPage(em, Operation, where, args, newestFirst());
}

export const listDriftReports = (em: EntityManager, fabricId: string, args: PageArgs) =>
  keysetPage(em, DriftReport, { fabric: fabricId }, args, newestFirst());

export const listApiTokens = (em: EntityManager, args: PageArgs) =>
  keysetPage(em, ApiToken, { revokedAt: null }, args, newestFirst());

export const listDifferences = (em: EntityManager, reportId: string, args: PageArgs) =>
  keysetPage(em, DriftDifference, { report: reportId }, args, {
    fields: ['position'],
    descending: false,
    keyOf: (row) => [row.position],
    fromCursor: ([position]) => [Number(position)],
  });

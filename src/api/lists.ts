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
import { decodeCursor, emptyPage, pageSize, toPage, type Page } from './pagination.js';

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

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
  return ascending(em, Fabric, where, args, 'name', String);
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
  return ascending(em, GitRepository, where, args, 'name', String);
}

async function repositoriesOfFabrics(em: EntityManager, fabricIds: readonly string[]): Promise<string[]> {
  const fabrics = await em.find(
    Fabric,
    { id: { $in: [...fabricIds] }, repository: { $ne: null } },
    { fields: ['repository'] },
  );
  return [...new Set(fabrics.flatMap((f) => (f.repository ? [f.repository.id] : [])))];
}

/** Ascending by one unique field; the cursor is that field's value, read back by `fromCursor`. */
async function ascending<T extends object, F extends keyof T & string>(
  em: EntityManager,
  entity: new () => T,
  where: FilterQuery<T>,
  args: PageArgs,
  field: F,
  fromCursor: (value: string | number) => string | number,
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const after = decodeCursor(args.after, 1);
  const rows = await em.find(
    entity,
    after ? ({ $and: [where, { [field]: { $gt: fromCursor(after[0]!) } }] } as FilterQuery<T>) : where,
    { orderBy: { [field]: 'asc' } as never, limit: limit + 1 },
  );
  return toPage(
    rows,
    limit,
    (row) => [row[field] as string | number],
    () => em.count(entity, where),
  );
}

/** Newest first; the cursor is (createdAt, id) so equal timestamps still page exactly. */
async function newestFirst<T extends { id: string; createdAt: Date }>(
  em: EntityManager,
  entity: new () => T,
  where: FilterQuery<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const after = decodeCursor(args.after, 2);
  const keyset = after
    ? {
        $or: [
          { createdAt: { $lt: new Date(String(after[0])) } },
          { createdAt: new Date(String(after[0])), id: { $lt: String(after[1]) } },
        ],
      }
    : {};
  const rows = await em.find(
    entity,
    { $and: [where, keyset] },
    {
      orderBy: { createdAt: 'desc', id: 'desc' } as never,
      limit: limit + 1,
    },
  );
  return toPage(
    rows,
    limit,
    (r) => [r.createdAt.toISOString(), r.id],
    () => em.count(entity, where),
  );
}

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
  return newestFirst(em, Operation, where, args);
}

export const listDriftReports = (em: EntityManager, fabricId: string, args: PageArgs) =>
  newestFirst(em, DriftReport, { fabric: fabricId }, args);

export const listApiTokens = (em: EntityManager, args: PageArgs) =>
  newestFirst(em, ApiToken, { revokedAt: null }, args);

export const listDifferences = (em: EntityManager, reportId: string, args: PageArgs) =>
  ascending(em, DriftDifference, { report: reportId }, args, 'position', Number);

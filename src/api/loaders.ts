/**
 * Per-request DataLoaders: every relation a resolver follows is batched into one query per
 * relation and request, never one per parent (architecture §8).
 */
import DataLoader from 'dataloader';
import { createFabricPageLoader } from './fabric-pages.js';
import { createRecordPageLoader } from './record-pages.js';
import { createGraphLoaders } from './graph-loaders.js';
import { groupedBy } from './group-rows.js';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import {
  ApiToken,
  DriftReport,
  Fabric,
  GitRepository,
  Operation,
  ResourceRecord,
} from '../store/entities/index.js';

const byId = <T extends { id: string }>(ids: readonly string[], rows: readonly T[]): (T | null)[] => {
  const map = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => map.get(id) ?? null);
};

/** Rows of one entity by id, one statement per batch; `where` narrows which rows exist. */
const rowsById = <T extends { id: string }>(
  em: EntityManager,
  entity: new () => T,
  where: FilterQuery<T> = {},
) =>
  new DataLoader<string, T | null>(async (ids) =>
    byId(ids, await em.find(entity, { $and: [where, { id: { $in: [...ids] } }] })),
  );

/** Newest row per fabric, in one query (PostgreSQL `distinct on`). */
async function newestPerFabric<T extends { fabric: { id: string } }>(
  em: EntityManager,
  table: string,
  entity: new () => T,
  fabricIds: readonly string[],
): Promise<(T | null)[]> {
  const knex = em.getConnection().getKnex();
  const rows: Record<string, unknown>[] = await knex(table)
    .distinctOn('fabric_id')
    .select('*')
    .whereIn('fabric_id', [...fabricIds])
    .orderBy([
      { column: 'fabric_id' },
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  const entities = rows.map((row) => em.map(entity, row));
  const map = new Map(entities.map((e) => [e.fabric.id, e]));
  return fabricIds.map((id) => map.get(id) ?? null);
}

export function createLoaders(em: EntityManager) {
  return {
    recordPages: createRecordPageLoader(em),
    /** `Fabric.operations`: newest first, the same cursors as the root `operations` list. */
    operationPages: createFabricPageLoader(em, {
      table: 'operation',
      entity: Operation,
      keyColumns: ['created_at', 'id'],
      descending: true,
      keyOf: (op) => [op.createdAt.toISOString(), op.id],
      narrow: () => undefined,
    }),
    graph: createGraphLoaders(em),
    /** References whose target is not a record of the fabric (profiles are not records: left out). */
    danglingReferences: new DataLoader<string, DanglingRow[]>(async (fabricIds) => {
      const knex = em.getConnection().getKnex();
      const rows: DanglingRow[] = await knex('record_reference as rr')
        .join('record as s', 's.id', 'rr.source_id')
        .select(
          'rr.fabric_id as fabricId',
          's.kind',
          's.name',
          'rr.field',
          'rr.target_kind as targetKind',
          'rr.target_name as targetName',
        )
        .whereIn('rr.fabric_id', [...fabricIds])
        .whereNotIn('rr.target_kind', ['SwitchProfile', 'ServerProfile'])
        .whereNotExists(
          knex('record as t')
            .select(knex.raw('1'))
            .whereRaw('t.fabric_id = rr.fabric_id and t.kind = rr.target_kind and t.name = rr.target_name'),
        )
        .orderBy(['s.kind', 's.name', 'rr.field']);
      return groupedBy(fabricIds, rows, (r) => r.fabricId);
    }),
    fabric: rowsById(em, Fabric),
    repository: rowsById(em, GitRepository),
    record: rowsById(em, ResourceRecord),
    operation: rowsById(em, Operation),
    driftReport: rowsById(em, DriftReport),
    /** Revoked tokens are gone as far as the API is concerned. */
    apiToken: rowsById(em, ApiToken, { revokedAt: null }),
    fabricsOfRepository: new DataLoader<string, Fabric[]>(async (repositoryIds) => {
      const fabrics = await em.find(
        Fabric,
        { repository: { $in: [...repositoryIds] } },
        { orderBy: { name: 'asc' } },
      );
      return groupedBy(repositoryIds, fabrics, (f) => f.repository?.id);
    }),
    /** Whether secrets are set, without loading (or decrypting) the ciphertexts. */
    fabricTokenPresence: new DataLoader<string, boolean>(async (ids) => {
      const rows: { id: string; has: boolean }[] = await em
        .getConnection()
        .getKnex()('fabric')
        .select('id', em.getConnection().getKnex().raw('cluster_token_ciphertext is not null as has'))
        .whereIn('id', [...ids]);
      const map = new Map(rows.map((r) => [r.id, r.has]));
      return ids.map((id) => map.get(id) ?? false);
    }),
    repositorySecretPresence: new DataLoader<string, { credential: boolean; webhook: boolean }>(
      async (ids) => {
        const knex = em.getConnection().getKnex();
        const rows: { id: string; credential: boolean; webhook: boolean }[] = await knex('git_repository')
          .select(
            'id',
            knex.raw('credential_ciphertext is not null as credential'),
            knex.raw('webhook_secret_ciphertext is not null as webhook'),
          )
          .whereIn('id', [...ids]);
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? { credential: false, webhook: false });
      },
    ),
    lastOperation: new DataLoader<string, Operation | null>((fabricIds) =>
      newestPerFabric(em, 'operation', Operation, fabricIds),
    ),
    latestDrift: new DataLoader<string, DriftReport | null>((fabricIds) =>
      newestPerFabric(em, 'drift_report', DriftReport, fabricIds),
    ),
  };
}

export interface DanglingRow {
  readonly fabricId: string;
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly targetKind: string;
  readonly targetName: string;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * DataLoaders for references between records, both ways, read from the reverse-reference index the
 * git sync writes (record_reference), never by scanning specs: a walk over 1,000 VPCs and their
 * attachments, connections and switches is a constant number of statements.
 */
import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TOPOLOGY_KINDS, type TopologyRecord } from '../domain/topology.js';
import { ResourceRecord } from '../store/entities/index.js';
import { pushTo } from '../domain/group-by.js';
import { groupedBy } from './group-rows.js';

export interface ReferenceRow {
  readonly sourceId: string;
  readonly edge: string;
  readonly field: string;
  readonly targetKind: string;
  readonly targetName: string;
}

/** fabric, kind and name of a record, as one DataLoader key. */
export const nameKey = (fabricId: string, kind: string, name: string): string =>
  `${fabricId}\u0000${kind}\u0000${name}`;
const splitKey = (key: string) => key.split('\u0000') as [string, string, string];

export function createGraphLoaders(em: EntityManager) {
  const knex = em.getConnection().getKnex();
  const toRecords = (rows: Record<string, unknown>[]) => rows.map((row) => em.map(ResourceRecord, row));

  const recordByName = new DataLoader<string, ResourceRecord | null>(async (keys) => {
    const tuples = keys.map(splitKey);
    const rows = await knex('record').select('*').whereIn(['fabric_id', 'kind', 'name'], tuples);
    const found = new Map(toRecords(rows).map((r) => [nameKey(r.fabric.id, r.kind, r.name), r]));
    return keys.map((key) => found.get(key) ?? null);
  });

  const outgoing = new DataLoader<string, ReferenceRow[]>(async (sourceIds) => {
    const rows: Record<string, string>[] = await knex('record_reference')
      .select('source_id', 'edge', 'field', 'target_kind', 'target_name')
      .whereIn('source_id', [...sourceIds])
      .orderBy('id');
    const bySource = new Map<string, ReferenceRow[]>();
    for (const r of rows) {
      const ref = {
        sourceId: r['source_id']!,
        edge: r['edge']!,
        field: r['field']!,
        targetKind: r['target_kind']!,
        targetName: r['target_name']!,
      };
      pushTo(bySource, ref.sourceId, ref);
    }
    return sourceIds.map((id) => bySource.get(id) ?? []);
  });

  /** Records that reference (fabric, kind, name), with the edge they use and where they write it. */
  const incoming = new DataLoader<string, IncomingReference[]>(async (keys) => {
    const rows: Record<string, unknown>[] = await knex('record_reference as rr')
      .join('record as r', 'r.id', 'rr.source_id')
      .select(
        'r.*',
        'rr.edge as ref_edge',
        'rr.field as ref_field',
        'rr.target_kind as ref_target_kind',
        'rr.target_name as ref_target_name',
      )
      .whereIn(['rr.fabric_id', 'rr.target_kind', 'rr.target_name'], keys.map(splitKey))
      .orderBy(['r.kind', 'r.name']);
    const byTarget = new Map<string, IncomingReference[]>();
    // A record referencing several targets of the batch (an eslag connection's two leaves) is mapped once.
    const mapped = new Map<unknown, ResourceRecord>();
    for (const { ref_edge, ref_field, ref_target_kind, ref_target_name, ...row } of rows) {
      const record = mapped.get(row['id']) ?? em.map(ResourceRecord, row);
      mapped.set(row['id'], record);
      const key = nameKey(record.fabric.id, String(ref_target_kind), String(ref_target_name));
      pushTo(byTarget, key, { edge: String(ref_edge), field: String(ref_field), record });
    }
    return keys.map((key) => byTarget.get(key) ?? []);
  });

  /** The records a fabric's topology is drawn from (domain/topology.ts), in one statement. */
  const topologyRecords = new DataLoader<string, TopologyRecord[]>(async (fabricIds) => {
    const rows: (TopologyRecord & { fabric_id: string })[] = await knex('record')
      .select('fabric_id', 'id', 'kind', 'name', 'spec')
      .whereIn('fabric_id', [...fabricIds])
      .whereIn('kind', [...TOPOLOGY_KINDS])
      .orderBy(['kind', 'name']);
    return groupedBy(fabricIds, rows, (r) => r.fabric_id);
  });

  return { recordByName, outgoing, incoming, topologyRecords };
}

export interface IncomingReference {
  readonly edge: string;
  readonly field: string;
  readonly record: ResourceRecord;
}

export type GraphLoaders = ReturnType<typeof createGraphLoaders>;

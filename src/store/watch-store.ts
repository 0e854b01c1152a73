/**
 * What the watch reads and writes: fabrics to watch, the records its events concern, their live
 * state as one set-based UPDATE per batch of events (of any number of fabrics), and the fabrics'
 * watch status, sync status (OUT_OF_SYNC once the watch sees drift) and selfHeal setting.
 */
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import { compileDriftIgnore, type DriftIgnore, type DriftIgnoreRule } from '../domain/drift-ignore.js';
import { apiVersionOf, kindInfo, type ObjectRef } from '../domain/kinds.js';
import type { Manifest } from '../domain/manifest.js';
import type { FabricWatch, RecordState } from '../domain/states.js';
import { chunks } from './chunks.js';
import { manifestOf, writeObservations, type Observation } from './live-state-store.js';

export interface WatchedFabric {
  readonly id: string;
  readonly clusterGeneration: number;
}

export interface WatchedRecord {
  readonly id: string;
  readonly fabricId: string;
  readonly ref: ObjectRef;
  readonly canonicalHash: string;
  /**
   * The desired object, for the drift ignore rules to judge a live object whose hash differs; null
   * when the fabric has no rules (then only the hash decides).
   */
  readonly manifest: Manifest | null;
  readonly state: RecordState;
}

export class WatchStore {
  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  /** Every fabric that has a cluster to watch. */
  async fabricsWithCluster(): Promise<WatchedFabric[]> {
    const rows: { id: string; cluster_generation: number }[] = await this.knex('fabric')
      .select('id', 'cluster_generation')
      .whereNotNull('cluster_server');
    return rows.map((row) => ({ id: row.id, clusterGeneration: row.cluster_generation }));
  }

  async watchStatus(fabricId: string): Promise<FabricWatch | undefined> {
    const row: { watch_status: FabricWatch } | undefined = await this.knex('fabric')
      .first('watch_status')
      .where('id', fabricId);
    return row?.watch_status;
  }

  async setWatchStatus(fabricId: string, status: FabricWatch, message: string | null): Promise<void> {
    await this.knex('fabric')
      .where('id', fabricId)
      .update({ watch_status: status, watch_message: message, updated_at: new Date() });
  }

  /**
   * Marks these fabrics OUT_OF_SYNC (the watch saw a record go MISSING or DRIFTED); returns those
   * that were not already, whose change is to be published.
   */
  async markOutOfSync(fabricIds: readonly string[]): Promise<string[]> {
    if (fabricIds.length === 0) return [];
    const rows: { id: string }[] = await this.knex('fabric')
      .whereIn('id', fabricIds)
      .whereNot('sync_status', 'OUT_OF_SYNC')
      .update({ sync_status: 'OUT_OF_SYNC', updated_at: new Date() })
      .returning('id');
    return rows.map((row) => row.id);
  }

  /** Whether the fabric's selfHeal is on (read when a heal is due: it may have changed since the watch began). */
  async selfHeals(fabricId: string): Promise<boolean> {
    const row: { self_heal: boolean } | undefined = await this.knex('fabric')
      .first('self_heal')
      .where('id', fabricId);
    return row?.self_heal ?? false;
  }

  /** Live objects the records say exist: the watch starts from them and reports only what changed. */
  async knownLive(fabricId: string): Promise<Manifest[]> {
    const rows: Record<string, string>[] = await this.knex('record')
      .select('kind', 'namespace', 'name', 'live_uid', 'live_resource_version')
      .where('fabric_id', fabricId)
      .whereNotNull('live_uid');
    return rows.map((row) => ({
      apiVersion: apiVersionOf(kindInfo(String(row['kind']))),
      kind: String(row['kind']),
      metadata: {
        name: String(row['name']),
        namespace: String(row['namespace']),
        uid: row['live_uid'],
        resourceVersion: row['live_resource_version'],
      },
    }));
  }

  /** Each of these fabrics' drift ignore rules, compiled. */
  async driftIgnoreOf(fabricIds: readonly string[]): Promise<Map<string, DriftIgnore>> {
    const rows: { id: string; drift_ignore: DriftIgnoreRule[] }[] = await this.knex('fabric')
      .select('id', 'drift_ignore')
      .whereIn('id', [...fabricIds]);
    return new Map(rows.map((row) => [row.id, compileDriftIgnore(row.drift_ignore)]));
  }

  /**
   * The records at these fabrics' refs, read together whatever the number of fabrics. The desired
   * object (labels, annotations, spec) comes only for fabrics with drift ignore rules: elsewhere the
   * hash alone decides, and reading every spec on each batch is the watch's hot path.
   */
  async recordsAt(keys: readonly { fabricId: string; ref: ObjectRef }[]): Promise<WatchedRecord[]> {
    const found: WatchedRecord[] = [];
    const whenRules = (column: string) =>
      this.knex.raw(`case when f.drift_ignore <> '[]'::jsonb then r.${column} end as ${column}`);
    for (const part of chunks(keys)) {
      const rows: Record<string, unknown>[] = await this.knex('record as r')
        .join('fabric as f', 'f.id', 'r.fabric_id')
        .select(
          'r.id',
          'r.fabric_id',
          'r.kind',
          'r.namespace',
          'r.name',
          whenRules('labels'),
          whenRules('annotations'),
          whenRules('spec'),
          'r.canonical_hash',
          'r.state',
        )
        .whereIn(
          ['r.fabric_id', 'r.kind', 'r.namespace', 'r.name'],
          part.map(({ fabricId, ref }) => [fabricId, ref.kind, ref.namespace, ref.name]),
        );
      for (const row of rows)
        found.push({
          id: String(row['id']),
          fabricId: String(row['fabric_id']),
          ref: { kind: String(row['kind']), namespace: String(row['namespace']), name: String(row['name']) },
          canonicalHash: String(row['canonical_hash']),
          manifest: row['spec'] === null ? null : manifestOf(row),
          state: row['state'] as RecordState,
        });
    }
    return found;
  }

  /**
   * The records' new live state, seen at the batch's time `at`, and the fabrics' last watch event
   * times: one UPDATE each, however many fabrics the batch spans, side by side and outside a
   * transaction (a transaction costs two more round trips and a knex object per batch; a retried
   * batch writes both again, idempotently).
   */
  async writeLive(
    observations: readonly Observation[],
    at: Date,
    lastEventAt: ReadonlyMap<string, Date>,
  ): Promise<void> {
    const stamps = [...lastEventAt];
    await Promise.all([
      observations.length > 0 ? writeObservations(this.knex, observations, at) : undefined,
      stamps.length > 0
        ? this.knex.raw(
            `update fabric set last_watch_event_at = v.at
               from (values ${stamps.map(() => '(?::uuid, ?::timestamptz)').join(', ')}) as v(id, at)
              where fabric.id = v.id`,
            stamps.flatMap(([id, at]) => [id, at]),
          )
        : undefined,
    ]);
  }
}

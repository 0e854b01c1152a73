/**
 * Records as the cluster pipelines see them: read a fabric's desired objects, and write what the
 * cluster said about them (state, live uid/resourceVersion/generation/hash) as set-based updates.
 */
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import { canonicalHash, hashOfCanonical, type Canonical } from '../domain/canonical.js';
import { apiVersionOf, kindInfo, type ObjectRef } from '../domain/kinds.js';
import type { JsonObject, Manifest } from '../domain/manifest.js';
import type { RecordState } from '../domain/states.js';

export interface DesiredObject {
  readonly id: string;
  readonly ref: ObjectRef;
  readonly manifest: Manifest;
  readonly canonicalHash: string;
  readonly state: RecordState;
  readonly liveResourceVersion: string | null;
}

export interface LiveFacts {
  readonly uid: string | null;
  readonly resourceVersion: string | null;
  readonly generation: number | null;
  readonly hash: string;
}

export interface Observation {
  readonly id: string;
  readonly state: RecordState;
  readonly message: string | null;
  /** undefined: keep the stored live facts; null: the object is gone from the cluster. */
  readonly live?: LiveFacts | null;
}

/**
 * What a record keeps of its live object; the hash is the canonical one, comparable with the
 * record's. Pass `canonical` when the caller already normalized the object.
 */
export const liveFactsOf = (object: Manifest, canonical?: Canonical): LiveFacts => ({
  uid: typeof object.metadata['uid'] === 'string' ? object.metadata['uid'] : null,
  resourceVersion:
    typeof object.metadata.resourceVersion === 'string' ? object.metadata.resourceVersion : null,
  generation: typeof object.metadata['generation'] === 'number' ? object.metadata['generation'] : null,
  hash: canonical ? hashOfCanonical(canonical) : canonicalHash(object),
});

/** A record already IN_SYNC with this very live version: observing it again would store nothing new. */
export const alreadyInSyncWith = (record: DesiredObject, facts: LiveFacts): boolean =>
  record.state === 'IN_SYNC' && record.liveResourceVersion === facts.resourceVersion;

/** A record row's desired object (kind, namespace, name, labels, annotations, spec columns). */
export function manifestOf(row: Record<string, unknown>): Manifest {
  const labels = row['labels'] as Record<string, string>;
  const annotations = row['annotations'] as Record<string, string>;
  return {
    apiVersion: apiVersionOf(kindInfo(String(row['kind']))),
    kind: String(row['kind']),
    metadata: {
      name: String(row['name']),
      namespace: String(row['namespace']),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: row['spec'] as JsonObject,
  };
}

/**
 * One UPDATE joined to the observations sent as a single jsonb parameter: a 10,000-record check is
 * one statement with one bind value, not thousands of placeholders. Usable inside another store's
 * transaction.
 */
export async function writeObservations(
  knex: Knex | Knex.Transaction,
  observations: readonly Observation[],
  now = new Date(),
): Promise<void> {
  if (observations.length === 0) return;
  const rows = observations.map((o) => ({
    id: o.id,
    state: o.state,
    message: o.message,
    observed: o.live !== undefined,
    uid: o.live?.uid ?? null,
    rv: o.live?.resourceVersion ?? null,
    gen: o.live?.generation ?? null,
    hash: o.live?.hash ?? null,
  }));
  const keep = (column: string, value: string) =>
    `case when v.observed then ${value} else record.${column} end`;
  await knex.raw(
    `update record set state = v.state, state_message = v.message, updated_at = ?,
       live_uid = ${keep('live_uid', 'v.uid')},
       live_resource_version = ${keep('live_resource_version', 'v.rv')},
       live_generation = ${keep('live_generation', 'v.gen')},
       live_hash = ${keep('live_hash', 'v.hash')},
       live_seen_at = ${keep('live_seen_at', 'case when v.uid is null then null else ?::timestamptz end')}
     from jsonb_to_recordset(?::jsonb)
       as v(id uuid, state text, message text, observed boolean, uid text, rv text, gen int, hash text)
     where record.id = v.id`,
    [now, now, JSON.stringify(rows)],
  );
}

export class LiveStateStore {
  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  async loadDesired(fabricId: string): Promise<DesiredObject[]> {
    const rows: Record<string, unknown>[] = await this.knex('record')
      .select(
        'id',
        'kind',
        'namespace',
        'name',
        'labels',
        'annotations',
        'spec',
        'canonical_hash',
        'state',
        'live_resource_version',
      )
      .where('fabric_id', fabricId);
    return rows.map((row) => ({
      id: String(row['id']),
      ref: { kind: String(row['kind']), namespace: String(row['namespace']), name: String(row['name']) },
      manifest: manifestOf(row),
      canonicalHash: String(row['canonical_hash']),
      state: row['state'] as RecordState,
      liveResourceVersion: (row['live_resource_version'] as string | null) ?? null,
    }));
  }

  async write(observations: readonly Observation[]): Promise<void> {
    await writeObservations(this.knex, observations);
  }

  /** Why self-heal stopped re-applying each record, or null where it heals again; one UPDATE. */
  async setHealStopped(rows: readonly { id: string; reason: string | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.knex.raw(
      `update record set heal_stopped = v.reason
         from jsonb_to_recordset(?::jsonb) as v(id uuid, reason text)
        where record.id = v.id and record.heal_stopped is distinct from v.reason`,
      [JSON.stringify(rows)],
    );
  }
}

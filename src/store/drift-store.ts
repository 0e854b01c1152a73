/**
 * A drift check's outcome in one transaction: the report, its differences (multi-row inserts),
 * the records' states and the fabric's sync status, so readers never see half a check.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { JsonValue } from '../domain/manifest.js';
import type { DriftType, FabricSync, Severity } from '../domain/states.js';
import { chunks } from './chunks.js';
import { writeObservations, type Observation } from './live-state-store.js';

export interface DifferenceRow {
  readonly recordId: string | null;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly driftType: DriftType;
  readonly path: string;
  readonly desired: JsonValue | null;
  readonly live: JsonValue | null;
  readonly severity: Severity;
}

export interface DriftWrite {
  readonly fabricId: string;
  readonly operationId: string | null;
  readonly commit: string | null;
  readonly score: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly differences: readonly DifferenceRow[];
  readonly observations: readonly Observation[];
  readonly syncStatus: FabricSync;
}

/** jsonb columns take JSON text; a bare string would otherwise be sent as SQL text, not a JSON string. */
const json = (value: JsonValue | null) => (value === null ? null : JSON.stringify(value));

export class DriftStore {
  constructor(private readonly orm: MikroORM) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  /** Returns the new report's id. */
  async write(input: DriftWrite): Promise<string> {
    const reportId = randomUUID();
    const now = new Date();
    await this.knex.transaction(async (trx) => {
      await trx('drift_report').insert({
        id: reportId,
        fabric_id: input.fabricId,
        operation_id: input.operationId,
        commit: input.commit,
        score: input.score,
        counts: JSON.stringify(input.counts),
        created_at: now,
      });
      const rows = input.differences.map((d, position) => ({
        id: randomUUID(),
        report_id: reportId,
        record_id: d.recordId,
        kind: d.kind,
        namespace: d.namespace,
        name: d.name,
        drift_type: d.driftType,
        path: d.path,
        desired: json(d.desired),
        live: json(d.live),
        severity: d.severity,
        position,
      }));
      for (const part of chunks(rows)) await trx('drift_difference').insert(part);
      await writeObservations(trx, input.observations, now);
      await trx('fabric')
        .where('id', input.fabricId)
        .update({ sync_status: input.syncStatus, updated_at: now });
    });
    return reportId;
  }
}

/**
 * Gauges read from the database when Prometheus scrapes: records per fabric and kind, drift
 * differences of each fabric's latest report, watch status, and the connection pool. Reading at
 * scrape time keeps them right across replicas with no bookkeeping on the hot paths.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge } from 'prom-client';
import type { Metrics } from './metrics.js';

export function registerDatabaseGauges(
  { registry, fabricRegistry }: Pick<Metrics, 'registry' | 'fabricRegistry'>,
  orm: MikroORM,
): void {
  const knex = () => orm.em.getConnection().getKnex();
  new Gauge({
    name: 'fabric_sync_records',
    help: 'Records per fabric and kind',
    labelNames: ['fabric', 'kind'] as const,
    registers: [fabricRegistry],
    async collect() {
      this.reset();
      const rows: { name: string; kind_counts: Record<string, number> }[] = await knex()('fabric').select(
        'name',
        'kind_counts',
      );
      for (const row of rows)
        for (const [kind, count] of Object.entries(row.kind_counts))
          this.set({ fabric: row.name, kind }, count);
    },
  });
  new Gauge({
    name: 'fabric_sync_drift_differences',
    help: 'Differences in the latest drift report, per fabric and drift type',
    labelNames: ['fabric', 'type'] as const,
    registers: [fabricRegistry],
    async collect() {
      this.reset();
      const rows: { name: string; counts: Record<string, number> }[] = await knex()('drift_report as d')
        .join('fabric as f', 'f.id', 'd.fabric_id')
        .distinctOn('d.fabric_id')
        .select('f.name', 'd.counts')
        .orderBy([{ column: 'd.fabric_id' }, { column: 'd.created_at', order: 'desc' }]);
      for (const row of rows)
        for (const [type, count] of Object.entries(row.counts)) this.set({ fabric: row.name, type }, count);
    },
  });
  new Gauge({
    name: 'fabric_sync_fabrics_by_watch_status',
    help: 'Fabrics per watch status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows: { watch_status: string; n: string }[] = await knex()('fabric')
        .select('watch_status')
        .count('* as n')
        .groupBy('watch_status');
      for (const row of rows) this.set({ status: row.watch_status }, Number(row.n));
    },
  });
  new Gauge({
    name: 'fabric_sync_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = (
        knex().client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }
      ).pool;
      if (!pool) return;
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
      this.set({ state: 'pending' }, pool.numPendingAcquires());
    },
  });
}

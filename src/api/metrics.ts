/** Prometheus metrics on /metrics (prom-client), one registry per process, no global state. */
import type { ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'fabric_sync_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'fabric_sync_operations_total',
    help: 'Finished operations by type and status',
    labelNames: ['type', 'status'] as const,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'fabric_sync_stage_duration_seconds',
    help: 'Operation stage durations by operation type, stage and outcome',
    labelNames: ['type', 'stage', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fabric_sync_' });
  }

  /** Known routes keep their path; anything else is one label value, so scanners cannot blow up cardinality. */
  observeHttp(method: string, path: string, status: number, ms: number): void {
    const route = ['/graphql', '/healthz', '/readyz', '/metrics', '/'].includes(path)
      ? path
      : path.startsWith('/webhooks/git/')
        ? '/webhooks/git/:repositoryId'
        : 'other';
    this.httpDuration.observe({ method, route, status: String(status) }, ms / 1000);
  }

  /** Counts a finished operation and the duration of each stage it ran. */
  observeOperation(op: {
    type: string;
    status: string;
    stages: readonly { name: string; status: string; startedAt: string | null; finishedAt: string | null }[];
  }): void {
    this.operations.inc({ type: op.type, status: op.status });
    for (const stage of op.stages)
      if (stage.startedAt && stage.finishedAt)
        this.stageDuration.observe(
          { type: op.type, stage: stage.name, status: stage.status },
          (Date.parse(stage.finishedAt) - Date.parse(stage.startedAt)) / 1000,
        );
  }

  trackSubscriptions(open: () => number): void {
    new Gauge({
      name: 'fabric_sync_subscriptions_open',
      help: 'GraphQL subscriptions open on this replica',
      registers: [this.registry],
      collect() {
        this.set(open());
      },
    });
  }

  async respond(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': this.registry.contentType });
    res.end(await this.registry.metrics());
  }
}

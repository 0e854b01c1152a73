/**
 * Prometheus metrics on /metrics (prom-client), no global state. Two registries: series labelled
 * with fabric names are kept apart, for scrapers allowed to learn which fabrics exist.
 */
import type { ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterRequestSample } from '../cluster/index.js';
import type { GitRemoteSample } from '../git/index.js';
import type { ResponseCache } from './response-cache.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new Registry();
  /** Series that name a fabric. */
  readonly fabricRegistry = new Registry();
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

  private readonly gitRemoteDuration = new Histogram({
    name: 'fabric_sync_git_remote_duration_seconds',
    help: 'Duration of git commands that talk to a remote (ls-remote, fetch) by outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly clusterRequestDuration = new Histogram({
    name: 'fabric_sync_cluster_request_duration_seconds',
    help: 'Duration of each Kubernetes API request attempt by verb and outcome (ok or HTTP code / reason)',
    labelNames: ['verb', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly watchReconnects = new Counter({
    name: 'fabric_sync_watch_reconnects_total',
    help: 'Kind watches that had to reconnect: expired (410 Gone, relist) or error (backoff)',
    labelNames: ['reason'] as const,
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

  readonly observeGitRemote = ({ command, seconds, outcome }: GitRemoteSample): void =>
    this.gitRemoteDuration.observe({ command, outcome }, seconds);

  readonly observeClusterRequest = ({ verb, seconds, outcome }: ClusterRequestSample): void =>
    this.clusterRequestDuration.observe({ verb, outcome }, seconds);

  readonly countWatchReconnect = (reason: 'expired' | 'error'): void => this.watchReconnects.inc({ reason });

  trackSubscriptions(open: () => number): void {
    this.gaugeOf('fabric_sync_subscriptions_open', 'GraphQL subscriptions open on this replica', open);
  }

  trackResponseCache(cache: ResponseCache): void {
    new Counter({
      name: 'fabric_sync_response_cache_lookups_total',
      help: 'GraphQL requests looked up in the response cache, by outcome (hit or miss)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'hit' }, cache.counts.hits);
        this.inc({ outcome: 'miss' }, cache.counts.misses);
      },
    });
    new Counter({
      name: 'fabric_sync_response_cache_invalidations_total',
      help: 'Times the response cache was emptied because data changed (or may have)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(cache.counts.invalidations);
      },
    });
    this.gaugeOf(
      'fabric_sync_response_cache_entries',
      'Responses held in the response cache',
      () => cache.size,
    );
    this.gaugeOf(
      'fabric_sync_response_cache_bytes',
      'Memory the response cache holds, an upper bound (two bytes per character)',
      () => cache.bytes,
    );
  }

  /** A gauge read from `read` at every scrape. */
  private gaugeOf(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  async respond(res: ServerResponse, { withFabrics }: { withFabrics: boolean }): Promise<void> {
    const registry = withFabrics ? Registry.merge([this.registry, this.fabricRegistry]) : this.registry;
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  }
}

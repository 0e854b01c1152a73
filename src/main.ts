/**
 * Composition root (style.md §4): builds every part once, injects it, and owns start-up and shutdown.
 * `npm start` runs it; tests call `startApp` with their own settings.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pino from 'pino';
import type { Logger } from 'pino';
import { startApiServer } from './api/http-server.js';
import { Metrics } from './api/metrics.js';
import { registerDatabaseGauges } from './api/metrics-collectors.js';
import { createGitWebhookHandler } from './api/webhooks.js';
import { FabricService } from './api/services/fabrics.js';
import type { Services } from './api/services/index.js';
import { RepositoryService } from './api/services/repositories.js';
import { TokenService } from './api/services/tokens.js';
import { ConfigError, loadConfig, settingsHelp, type Config } from './config.js';
import { createEventBus } from './events/index.js';
import { GitSource } from './git/git-source.js';
import { createLogger } from './logger.js';
import { loadOrCreateKeyFile } from './security/key-file.js';
import { Redactor } from './security/redactor.js';
import { SecretBox } from './security/secret-box.js';
import { Vault } from './security/vault.js';
import { AdvisoryLocks } from './store/advisory-locks.js';
import { openDatabase } from './store/database.js';
import { RecordStore } from './store/record-store.js';
import { learnStoredSecrets } from './sync/learn-secrets.js';
import { ClusterClients } from './cluster/index.js';
import { applyPipeline } from './sync/apply/pipeline.js';
import { driftPipeline } from './sync/drift/pipeline.js';
import { findLiveObject, testFabricConnection } from './sync/fabric-connection.js';
import { WriteBackService } from './sync/write-back/index.js';
import { DeliveryQueue } from './sync/notifications/delivery-queue.js';
import { Notifier } from './sync/notifications/notifier.js';
import { SinkService } from './sync/notifications/sinks.js';
import { gitSyncPipeline } from './sync/git-sync/pipeline.js';
import { reconcilePipeline } from './sync/reconcile.js';
import { DriftStore } from './store/drift-store.js';
import { LiveStateStore } from './store/live-state-store.js';
import { ParseCache } from './sync/git-sync/parse-cache.js';
import { OperationService } from './sync/operation-service.js';
import { Scheduler } from './sync/scheduler.js';
import { SessionLocks } from './store/session-locks.js';
import { DataChangeFeed } from './store/data-changes.js';
import { ResponseCache } from './api/response-cache.js';
import { readManifest } from './api/trusted-documents.js';
import { WatchSupervisor } from './sync/watch/index.js';
import { HealHistory } from './sync/self-heal/heal-history.js';
import { selfHealPipeline } from './sync/self-heal/pipeline.js';
import { closeOnSignals } from './shutdown-signals.js';

export interface App {
  readonly url: string;
  /** The METRICS_PORT listener, when there is one. */
  readonly metricsUrl: string | undefined;
  readonly services: Services;
  readonly log: Logger;
  /** Set only when this start generated the bootstrap admin token. */
  readonly generatedAdminToken: string | null;
  /** Cancels running operations with `reason` (FABRIC_SYNC_SHUTDOWN_SECONDS to stop), then closes everything. */
  close(reason?: string): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go (tests capture them); default stdout. */
  readonly logDestination?: pino.DestinationStream;
  /** Sees every SQL statement (tests count them). */
  readonly onQuery?: (sql: string) => void;
}

const STALE_SWEEP_MS = 30_000;

export async function startApp(config: Config, { logDestination, onQuery }: StartOptions = {}): Promise<App> {
  const redactor = new Redactor();
  const log = createLogger(config, redactor, logDestination);
  const keys = config.secretKeys ?? (await loadKeyFile(config.dataDir, log));
  redactor.add(config.adminToken);
  redactor.add(config.metrics.token);
  const vault = new Vault(SecretBox.fromKeyList(keys), redactor);
  const database = await openDatabase(config, onQuery ? { onQuery } : {});
  if (database.embedded)
    log.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL (set DATABASE_URL for a server)');
  const { orm } = database;
  await learnStoredSecrets(orm, vault);

  const events = createEventBus({
    redisUrl: config.redisUrl,
    onError: (err) => log.error({ err }, 'event bus error'),
  });
  const metrics = new Metrics();
  registerDatabaseGauges(metrics, orm);
  const git = new GitSource({
    cacheDir: path.join(config.dataDir, 'git'),
    allowedSchemes: config.gitAllowSchemes,
    redact: (text) => redactor.redact(text),
    onRemoteCall: metrics.observeGitRemote,
  });
  const gitDeps = {
    orm,
    git,
    vault,
    records: new RecordStore(orm),
    parseCache: new ParseCache(),
    limits: config.syncLimits,
  };
  const clusters = new ClusterClients({
    concurrency: config.clusterConcurrency,
    maxConnectionFailures: config.clusterMaxConnectionFailures,
    onRequest: metrics.observeClusterRequest,
  });
  const clusterDeps = { orm, vault, events, clusters, liveState: new LiveStateStore(orm) };
  const driftDeps = { ...clusterDeps, drift: new DriftStore(orm) };
  const heals = new HealHistory();
  const operations = new OperationService({
    orm,
    events,
    locks: new AdvisoryLocks(orm),
    log,
    redactor,
    pipelines: {
      GIT_SYNC: gitSyncPipeline(gitDeps),
      APPLY: applyPipeline(clusterDeps),
      DRIFT_CHECK: driftPipeline(driftDeps),
      RECONCILE: reconcilePipeline({ ...gitDeps, ...driftDeps }),
      SELF_HEAL: selfHealPipeline(driftDeps, heals),
    },
    onFinished: (op) => metrics.observeOperation(op),
  });
  const sweep = await startStaleSweep(operations, log);

  // One lock session for every fabric this replica owns (schedules and watches), not a pool connection each.
  const locks = new SessionLocks(orm);
  const rescanMs = config.rescanSeconds * 1000;
  const scheduler = new Scheduler({ orm, locks, operations, log, operationType: 'RECONCILE', rescanMs });
  const watches = new WatchSupervisor({
    orm,
    vault,
    events,
    locks,
    log,
    rescanMs,
    onReconnect: metrics.countWatchReconnect,
    tuning: { relistMs: config.watchRelistSeconds * 1000 },
    selfHeal: { operations, history: heals, debounceMs: config.selfHealDebounceMs },
  });
  // An API-only replica (rescan 0) serves requests and leaves schedules and watches to the others.
  if (rescanMs > 0) {
    scheduler.start();
    watches.start();
  }

  // Every replica follows fabrics with sinks; the unique delivery row picks the one that sends.
  const retryBase = config.notificationRetryBaseMs;
  const notificationQueue = new DeliveryQueue({
    orm,
    log,
    redactor,
    retryDelaysMs: [retryBase, 5 * retryBase, 25 * retryBase],
  });
  const notifier = new Notifier({ orm, events, vault, queue: notificationQueue, log });
  notifier.start(config.rescanSeconds * 1000 || 30_000);

  const tokens = new TokenService({ orm, redactor });
  const generatedAdminToken = await tokens.bootstrap(config.adminToken);
  const services: Services = {
    fabrics: new FabricService({
      orm,
      vault,
      onClusterChanged: (id) => void watches.refresh(id),
      onDeleted: (id) => gitDeps.parseCache.forget(id),
    }),
    repositories: new RepositoryService({ orm, vault, git }),
    tokens,
    operations,
    events,
    clusters: {
      testConnection: (fabricId: string) => testFabricConnection(clusterDeps, fabricId),
      liveObject: (fabricId: string, kind: string, name: string) =>
        findLiveObject(clusterDeps, fabricId, kind, name),
    },
    writeBack: new WriteBackService({ orm, git, vault, operations, events }),
    notifications: new SinkService({ orm, vault, follow: (id) => notifier.follow(id) }),
  };
  const { responseCache, dataChanges } = await startResponseCache(config.responseCacheMb, orm, log, metrics);
  const server = await startApiServer({
    responseCache,
    port: config.port,
    host: config.host,
    orm,
    services,
    limits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost },
    introspection: config.introspection,
    fieldSuggestions: !config.production,
    maxSocketsPerToken: config.maxSocketsPerToken,
    log,
    redactor,
    metrics,
    metricsExposure: config.metrics,
    trustedDocuments: {
      mode: config.trustedDocuments.mode,
      manifests: config.trustedDocuments.file ? [readManifest(config.trustedDocuments.file)] : [],
    },
    gitWebhook: createGitWebhookHandler({ orm, vault, operations, log, operationType: 'RECONCILE' }),
  });
  log.info({ url: `${server.url}/graphql`, metrics: server.metricsUrl }, 'fabric-sync is listening');

  return {
    url: server.url,
    metricsUrl: server.metricsUrl,
    services,
    log,
    generatedAdminToken,
    async close(reason = 'the server is shutting down') {
      clearInterval(sweep);
      // At once, not after the listeners: operations get all but the last second of the deadline.
      const shutdownMs = config.shutdownSeconds * 1000;
      const stopped = operations.shutdown(reason, Math.max(shutdownMs - 1000, shutdownMs / 2));
      await scheduler.stop();
      await watches.stop();
      await notifier.stop();
      await notificationQueue.stop();
      await server.close();
      await dataChanges?.close();
      const failed = await stopped;
      if (failed > 0) log.warn({ failed }, 'operations that did not stop in time were stored FAILED');
      await locks.close();
      clusters.close();
      await events.close();
      await database.close();
    },
  };
}

/** Fails what a stopped process left running, now and every STALE_SWEEP_MS; returns the timer to clear. */
async function startStaleSweep(operations: OperationService, log: Logger): Promise<NodeJS.Timeout> {
  const failed = await operations.failStale();
  if (failed > 0) log.warn({ failed }, 'failed operations left running by a stopped process');
  return setInterval(() => {
    operations.failStale().catch((err: unknown) => log.warn({ err }, 'stale operation sweep failed'));
  }, STALE_SWEEP_MS);
}

/** The response cache (none at 0 MB), emptied whenever PostgreSQL notifies a data change. */
async function startResponseCache(megabytes: number, orm: MikroORM, log: Logger, metrics: Metrics) {
  if (megabytes <= 0) return { responseCache: undefined, dataChanges: undefined };
  const responseCache = new ResponseCache(megabytes * 2 ** 20);
  const dataChanges = new DataChangeFeed(
    orm,
    { changed: () => responseCache.invalidate(), listening: (on) => responseCache.setListening(on) },
    { onError: (err) => log.warn({ err }, 'response cache unused: not hearing PostgreSQL notifications') },
  );
  await dataChanges.start();
  metrics.trackResponseCache(responseCache);
  return { responseCache, dataChanges };
}

async function loadKeyFile(dataDir: string, log: Logger): Promise<string> {
  const keys = await loadOrCreateKeyFile(dataDir);
  if (keys.created)
    log.warn(
      { path: keys.path },
      'generated an encryption key for stored secrets; back this file up (or set FABRIC_SYNC_SECRET_KEYS)',
    );
  return keys.value;
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `fabric-sync: keeps Hedgehog fabrics in sync between Git, PostgreSQL and Kubernetes.\n\nSettings (environment variables; empty = unset):\n${settingsHelp()}`,
    );
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exitCode = 2;
    return;
  }
  const app = await startApp(config);
  if (app.generatedAdminToken)
    // Printed once, on purpose, to the terminal only: the token is not stored anywhere in clear text.
    process.stdout.write(
      `\nAdmin API token (shown once, keep it safe):\n  ${app.generatedAdminToken}\n\nGraphQL: ${app.url}/graphql\n\n`,
    );
  closeOnSignals(app, config.shutdownSeconds);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main(process.argv.slice(2));

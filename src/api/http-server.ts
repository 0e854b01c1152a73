/**
 * One HTTP server for everything (architecture §9): GraphQL over HTTP and WebSocket on /graphql,
 * subscriptions over server-sent events on /graphql/stream,
 * health, readiness and metrics (or, with METRICS_PORT, metrics on a listener of their own). GET routes only read (style.md §4, example 14).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Redactor } from '../security/redactor.js';
import type { ResponseCache } from './response-cache.js';
import { makeFormatError } from './errors.js';
import { createGraphQLHandler } from './graphql-http.js';
import { healthz, readyz } from './health.js';
import { sendJson } from './http-io.js';
import type { QueryLimits } from './limits.js';
import type { Metrics } from './metrics.js';
import {
  METRICS_PATH,
  metricsHandler,
  startMetricsServer,
  type MetricsExposure,
} from './metrics-endpoint.js';
import { ContextFactory } from './request-context.js';
import { buildSchema } from './schema.js';
import type { Services } from './services/index.js';
import { OperationAdmission } from './operation-admission.js';
import { GRAPHQL_STREAM_PATH, createSseHandler } from './sse.js';
import { attachSubscriptionServer } from './websocket.js';
import { createPlaygroundHandler, prefersPlayground } from './playground/index.js';
import { createStatusPageRoutes, statusPageDocuments } from './status-page/index.js';
import type { TrustedDocumentMode } from '../config.js';
import { TrustedDocuments } from './trusted-documents.js';
import { GIT_WEBHOOK_PREFIX, type GitWebhookHandler } from './webhooks.js';

export const GRAPHQL_PATH = '/graphql';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface ApiServerOptions {
  readonly port: number;
  readonly host: string;
  readonly orm: MikroORM;
  readonly services: Services;
  readonly limits: QueryLimits;
  readonly introspection: boolean;
  /** graphql-js's "Did you mean …?" in error messages, on both transports; off in production. */
  readonly fieldSuggestions: boolean;
  /** Open WebSockets one token may hold on this replica. */
  readonly maxSocketsPerToken: number;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly metrics: Metrics;
  readonly metricsExposure: MetricsExposure;
  /** Absent: every GraphQL request over HTTP executes. */
  readonly responseCache?: ResponseCache | undefined;
  /** The operator's manifests, if any, and whether only their documents (and the pages') run. */
  readonly trustedDocuments: {
    readonly mode: TrustedDocumentMode;
    readonly manifests: readonly Readonly<Record<string, string>>[];
  };
  /** POST /webhooks/git/:repositoryId */
  readonly gitWebhook: GitWebhookHandler;
}

export interface ApiServer {
  readonly url: string;
  /** The METRICS_PORT listener, when there is one. */
  readonly metricsUrl: string | undefined;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { orm, services, log, metrics, metricsExposure } = options;
  const schema = buildSchema();
  const { responseCache } = options;
  const contexts = new ContextFactory(orm, services, responseCache && (() => responseCache.invalidate()));
  const trustedDocuments = new TrustedDocuments(
    [statusPageDocuments(), ...options.trustedDocuments.manifests],
    options.trustedDocuments.mode,
  );
  const graphql = await createGraphQLHandler({ ...options, schema, contexts, trustedDocuments });
  // One admission for every streaming transport: the same checks, one cap per token across them.
  const admission = new OperationAdmission({ ...options, schema, contexts, trustedDocuments });
  const formatError = makeFormatError(log, options.redactor, { fieldSuggestions: options.fieldSuggestions });
  const stream = createSseHandler({ contexts, admission, formatError, log, redactor: options.redactor });

  const playground = createPlaygroundHandler({ graphqlPath: GRAPHQL_PATH });
  const pages = [...playground.routes, ...createStatusPageRoutes({ graphqlPath: GRAPHQL_PATH })];
  const routes: Record<string, Handler> = {
    'GET /healthz': (_req, res) => healthz(res),
    'GET /readyz': (_req, res) => readyz(res, orm),
    ...(metricsExposure.port === undefined
      ? { [`GET ${METRICS_PATH}`]: metricsHandler(metrics, metricsExposure.token, false) }
      : {}),
    // A browser asking for /graphql gets GraphiQL; API clients get GraphQL over GET.
    [`GET ${GRAPHQL_PATH}`]: (req, res, url) =>
      prefersPlayground(req, url) ? playground.handler(req, res) : graphql.handle(req, res, url),
    [`POST ${GRAPHQL_PATH}`]: graphql.handle,
    [`GET ${GRAPHQL_STREAM_PATH}`]: stream.handle,
    [`POST ${GRAPHQL_STREAM_PATH}`]: stream.handle,
    ...Object.fromEntries(pages.map((r) => [`${r.method} ${r.path}`, r.handler])),
  };
  const routeOf = (method: string, path: string): Handler | undefined =>
    routes[`${method} ${path}`] ??
    (method === 'POST' && path.startsWith(GIT_WEBHOOK_PREFIX) ? options.gitWebhook : undefined);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    const started = performance.now();
    const done = () =>
      metrics.observeHttp(req.method ?? 'GET', url.pathname, res.statusCode, performance.now() - started);
    res.once('finish', done);
    if (!route) return sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
    Promise.resolve(route(req, res, url)).catch((err: unknown) => {
      log.error({ err: options.redactor.redactDeep(err), path: url.pathname }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
      else res.end();
    });
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  const subscriptions = attachSubscriptionServer({
    server,
    path: GRAPHQL_PATH,
    contexts,
    admission,
    maxSocketsPerToken: options.maxSocketsPerToken,
    formatError,
    log,
    redactor: options.redactor,
  });
  metrics.trackSubscriptions(() => admission.open());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const metricsServer =
    metricsExposure.port === undefined
      ? undefined
      : await startMetricsServer(metrics, { ...metricsExposure, port: metricsExposure.port }, log);
  return {
    url: `http://${host}:${port}`,
    metricsUrl: metricsServer?.url,
    async close() {
      await metricsServer?.close();
      await subscriptions.close();
      await graphql.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

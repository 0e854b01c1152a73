/**
 * One HTTP server for everything (architecture §9): GraphQL over HTTP and WebSocket on /graphql,
 * health, readiness and metrics. GET routes only read (style.md §4, example 14).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Redactor } from '../security/redactor.js';
import { createGraphQLHandler } from './graphql-http.js';
import { healthz, readyz } from './health.js';
import { sendJson } from './http-io.js';
import type { QueryLimits } from './limits.js';
import type { Metrics } from './metrics.js';
import { ContextFactory } from './request-context.js';
import { buildSchema } from './schema.js';
import type { Services } from './services/index.js';
import { attachSubscriptionServer } from './websocket.js';

export const GRAPHQL_PATH = '/graphql';

export interface ApiServerOptions {
  readonly port: number;
  readonly host: string;
  readonly orm: MikroORM;
  readonly services: Services;
  readonly limits: QueryLimits;
  readonly introspection: boolean;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly metrics: Metrics;
}

export interface ApiServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { orm, services, log, metrics } = options;
  const schema = buildSchema();
  const contexts = new ContextFactory(orm, services);
  const graphql = await createGraphQLHandler({ ...options, schema, contexts });

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void
  > = {
    'GET /healthz': (_req, res) => healthz(res),
    'GET /readyz': (_req, res) => readyz(res, orm),
    'GET /metrics': (_req, res) => metrics.respond(res),
    [`GET ${GRAPHQL_PATH}`]: graphql.handle,
    [`POST ${GRAPHQL_PATH}`]: graphql.handle,
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[`${req.method} ${url.pathname}`];
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
    schema,
    contexts,
    limits: options.limits,
  });
  metrics.trackSubscriptions(subscriptions.openSubscriptions);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await subscriptions.close();
      await graphql.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

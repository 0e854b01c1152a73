/**
 * Who may read /metrics, and where. Series that name fabrics tell anyone who reads them which
 * fabrics exist, so they are served only to a scraper that proved itself or that reached a
 * listener the operator chose to keep private:
 * - FABRIC_SYNC_METRICS_TOKEN set: /metrics needs `Authorization: Bearer <it>`, and has every series;
 * - METRICS_PORT set: /metrics moves to a listener of its own (METRICS_HOST, default 127.0.0.1)
 *   with every series, and the API port has no /metrics;
 * - neither: /metrics stays on the API port for anyone, without the series that name a fabric.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { secretsEqual } from '../security/constant-time.js';
import { sendJson } from './http-io.js';
import type { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export interface MetricsExposure {
  readonly token: string | undefined;
  readonly port: number | undefined;
  readonly host: string;
}

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The /metrics handler; `withFabrics` when the place it is served on is private already. */
export function metricsHandler(
  metrics: Metrics,
  token: string | undefined,
  withFabrics: boolean,
): MetricsHandler {
  return async (req, res) => {
    if (token !== undefined && !secretsEqual(req.headers.authorization ?? '', `Bearer ${token}`))
      return sendJson(
        res,
        401,
        { error: 'metrics need their bearer token' },
        { 'www-authenticate': 'Bearer' },
      );
    await metrics.respond(res, { withFabrics: withFabrics || token !== undefined });
  };
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The METRICS_PORT listener: /metrics and nothing else. */
export async function startMetricsServer(
  metrics: Metrics,
  { token, port, host }: MetricsExposure & { readonly port: number },
  log: Logger,
): Promise<MetricsServer> {
  const handle = metricsHandler(metrics, token, true);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' || path !== METRICS_PATH)
      return sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'metrics request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

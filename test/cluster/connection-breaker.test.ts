/**
 * A cluster that cannot be reached fails a call batch at once with one error, instead of every
 * object retrying on its own: against a closed port (ECONNREFUSED) and a server that hangs up in the
 * TLS handshake, 200 objects cost at most `concurrency + maxConnectionFailures` connection attempts
 * (every object retrying would be 200 × 8), and each entry carries the same error naming the server.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterRequestSample, type ClusterSettings } from '../../src/cluster/index.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { settingsFor } from './settings.js';

const RETRY = { attempts: 8, baseDelayMs: 10, maxDelayMs: 100 };
const CONCURRENCY = 16;
const MAX_FAILURES = 5;
const vpcs = (count: number): Manifest[] =>
  Array.from({ length: count }, (_, i) => ({
    apiVersion: 'vpc.githedgehog.com/v1beta1',
    kind: 'VPC',
    metadata: { name: `vpc-${i}`, namespace: 'default' },
    spec: { subnets: { 'subnet-1': { subnet: '10.0.0.0/24', vlan: 1000 + i } } },
  }));

/** Accepts TCP connections and drops them at once, counting them: a TLS handshake that hangs up. */
async function hangUpServer(): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const server: Server = createServer((socket: Socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('ClusterClient against an unreachable cluster', () => {
  let kube: KubeApiServer;
  let settings: ClusterSettings;
  beforeAll(async () => {
    kube = await startKubeApiServer({ emulateFabricWebhooks: true });
    settings = settingsFor(kube);
  });
  afterAll(() => kube.close());

  const client = (overrides: Partial<ClusterSettings>, onRequest?: (s: ClusterRequestSample) => void) =>
    new ClusterClient(
      { ...settings, ...overrides },
      {
        retry: RETRY,
        concurrency: CONCURRENCY,
        timeoutMs: 5_000,
        maxConnectionFailures: MAX_FAILURES,
        ...(onRequest ? { onRequest } : {}),
      },
    );

  const expectOneError = (
    entries: Awaited<ReturnType<ClusterClient['apply']>>,
    server: string,
    what: RegExp,
  ) => {
    expect(entries.every((e) => e.action === 'FAILED')).toBe(true);
    const messages = new Set(entries.map((e) => e.error?.message));
    expect(messages.size).toBe(1);
    const [message] = [...messages];
    expect(message).toContain(server);
    expect(message).toMatch(what);
    expect(message).toContain(`${MAX_FAILURES} connection attempts in a row failed`);
    expect(entries[0]?.error?.handling).toBe('fail');
  };

  it('fails 200 objects with one error after a few attempts when nothing listens, and tries again later', async () => {
    const attempts: ClusterRequestSample[] = [];
    const c = client({}, (sample) => attempts.push(sample));
    await kube.stop();
    try {
      expectOneError(await c.apply(vpcs(200)), kube.url, /ECONNREFUSED/);
      expect(attempts.length).toBeLessThanOrEqual(CONCURRENCY + MAX_FAILURES);
    } finally {
      await kube.start();
    }
    // The verdict was about the calls made while the cluster was away: a later call tries again.
    const [entry] = await c.apply(vpcs(1));
    expect(entry?.action, entry?.error?.message).toBe('CREATED');
    c.close();
  });

  it('fails 200 objects with one error after a few connections when the TLS handshake hangs up', async () => {
    const server = await hangUpServer();
    const c = client({ server: server.url });
    try {
      expectOneError(await c.apply(vpcs(200)), server.url, /Unreachable/);
      expect(server.connections()).toBeLessThanOrEqual(CONCURRENCY + MAX_FAILURES);
    } finally {
      c.close();
      await server.close();
    }
  });
});

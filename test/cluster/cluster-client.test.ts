/** The per-fabric cluster client against the test kube-apiserver: connection, TLS, apply, list, delete, faults. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterClient,
  ClusterClients,
  type ClusterRequestSample,
  type ClusterSettings,
} from '../../src/cluster/index.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { settingsFor } from './settings.js';

const RETRY = { attempts: 8, baseDelayMs: 10, maxDelayMs: 100 };

const vpc = (name: string, vlan = 1000): Manifest => ({
  apiVersion: 'vpc.githedgehog.com/v1beta1',
  kind: 'VPC',
  metadata: { name, namespace: 'default' },
  spec: { subnets: { 'subnet-1': { subnet: '10.0.0.0/24', vlan } } },
});

describe('ClusterClient', () => {
  let kube: KubeApiServer;
  let settings: ClusterSettings;
  const clients: ClusterClient[] = [];
  const client = (overrides: Partial<ClusterSettings> = {}, concurrency = 16) => {
    const c = new ClusterClient(
      { ...settings, ...overrides },
      { retry: RETRY, concurrency, timeoutMs: 5_000 },
    );
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    kube = await startKubeApiServer({ emulateFabricWebhooks: true });
    settings = settingsFor(kube);
  });
  afterEach(() => {
    kube.faults.clear();
    kube.hooks.clear();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await kube.close();
  });

  describe('testConnection', () => {
    it('is CONNECTED with the server version and no CRD missing', async () => {
      const result = await client().testConnection();
      expect(result).toMatchObject({ status: 'CONNECTED', missingCrds: [] });
      expect(result.message).toContain('all 12 fabric CRDs served');
    });

    it('is UNAUTHORIZED with a wrong token', async () => {
      expect((await client({ token: 'not-the-token' }).testConnection()).status).toBe('UNAUTHORIZED');
    });

    it('fails TLS without the CA, and connects without it only when insecure is set explicitly', async () => {
      const untrusted = await client({ caPem: null }).testConnection();
      expect(untrusted.status).toBe('ERROR');
      expect(untrusted.message).toMatch(/not trusted/);
      expect((await client({ caPem: null, insecureSkipTlsVerify: true }).testConnection()).status).toBe(
        'CONNECTED',
      );
    });

    it('is UNREACHABLE when nothing listens', async () => {
      const down = await startKubeApiServer();
      await down.close();
      const result = await client({ server: down.url, caPem: down.caPem }).testConnection();
      expect(result.status).toBe('UNREACHABLE');
    });
  });

  describe('apply', () => {
    it('returns one entry per object in input order: CREATED, then UNCHANGED, then CONFIGURED', async () => {
      const c = client();
      const objects = ['a-3', 'a-1', 'a-2'].map((n) => vpc(n));
      const created = await c.apply(objects);
      expect(created.map((e) => [e.ref.name, e.action])).toEqual([
        ['a-3', 'CREATED'],
        ['a-1', 'CREATED'],
        ['a-2', 'CREATED'],
      ]);
      const known = new Map(
        created.map((e) => [`VPC/default/${e.ref.name}`, String(e.object?.metadata.resourceVersion)]),
      );
      const again = await c.apply(objects, { knownVersions: known });
      expect(again.map((e) => e.action)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
      const changed = await c.apply([vpc('a-1', 1001)], { knownVersions: known });
      expect(changed[0]?.action).toBe('CONFIGURED');
    });

    it('dry run stores nothing', async () => {
      const before = kube.resourceVersion;
      const [entry] = await client().apply([vpc('dry-1')], { dryRun: true });
      expect(entry?.action).toBe('CREATED');
      expect(kube.resourceVersion).toBe(before);
      expect(await client().list('VPC')).not.toContainEqual(
        expect.objectContaining({ metadata: expect.objectContaining({ name: 'dry-1' }) }),
      );
    });

    it('names the object and the API message of a schema rejection, with its field', async () => {
      const bad = {
        ...vpc('bad-1'),
        spec: { subnets: { s: { vlan: 'not-a-number' } } },
      } as unknown as Manifest;
      const [entry] = await client()
        .apply([bad, vpc('good-1')])
        .then((e) => [e[0], e[1]]);
      expect(entry?.action).toBe('FAILED');
      expect(entry?.error?.message).toMatch(/^VPC\/default\/bad-1: Invalid: /);
      expect(entry?.error?.failure.causes.some((c) => c.field?.includes('vlan'))).toBe(true);
      expect(entry?.error?.handling).toBe('fail');
    });

    it('reports a webhook denial as that object FAILED while the others apply', async () => {
      kube.hooks.addValidating('VPC', (req) =>
        req.object.metadata?.name === 'denied-1'
          ? { code: 422, message: 'vpc denied-1 is reserved' }
          : undefined,
      );
      const entries = await client().apply([vpc('denied-1'), vpc('allowed-1')]);
      expect(entries[0]?.action).toBe('FAILED');
      expect(entries[0]?.error?.message).toContain('vpc denied-1 is reserved');
      expect(entries[1]?.action).toBe('CREATED');
    });

    it('outlasts bursts of 503 and 429 with Retry-After, and latency', async () => {
      kube.faults.setLatency(5);
      kube.faults.failRequests({ status: 503, count: 10, retryAfterSeconds: 0 });
      const first = await client().apply(['r-1', 'r-2', 'r-3', 'r-4'].map((n) => vpc(n)));
      expect(first.map((e) => e.action)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED']);
      kube.faults.failRequests({ status: 429, count: 6, retryAfterSeconds: 0 });
      const second = await client().apply(['r-5', 'r-6'].map((n) => vpc(n)));
      expect(second.map((e) => e.action)).toEqual(['CREATED', 'CREATED']);
    });

    it('tells its observer about every request attempt, failed ones with their HTTP code', async () => {
      const samples: ClusterRequestSample[] = [];
      const observed = new ClusterClient(settings, { retry: RETRY, onRequest: (s) => samples.push(s) });
      clients.push(observed);
      kube.faults.failRequests({ status: 503, count: 2, retryAfterSeconds: 0 });
      const [entry] = await observed.apply([vpc('observed-1')]);
      expect(entry?.action).toBe('CREATED');
      await observed.list('VPC');
      expect(samples.map((s) => `${s.verb} ${s.outcome}`)).toEqual([
        'apply 503',
        'apply 503',
        'apply ok',
        'list ok',
      ]);
      expect(samples.every((s) => s.seconds >= 0 && s.seconds < 5)).toBe(true);
    });

    it('times out a request that outlasts timeoutMs, as a Timeout: timed out again and again, the cluster is given up', async () => {
      kube.faults.setLatency(300);
      const slow = new ClusterClient(settings, { retry: { ...RETRY, attempts: 2 }, timeoutMs: 50 });
      clients.push(slow);
      const [entry] = await slow.apply([vpc('slow-1')]);
      expect(entry?.action).toBe('FAILED');
      expect(entry?.error?.failure.reason).toBe('Timeout');
      expect(entry?.error?.message).toMatch(
        /5 connection attempts in a row failed \(last: the request timed out\)/,
      );
      expect(entry?.error?.handling).toBe('fail');
    });

    it("stops at the caller's abort a request that would otherwise succeed", async () => {
      kube.faults.setLatency(300); // well within the client's timeoutMs
      const controller = new AbortController();
      const applying = client().apply([vpc('aborted-1')], { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const [entry] = await applying;
      expect(entry?.action).toBe('FAILED');
    });

    it('gives up on a server that keeps failing, with a retryable error', async () => {
      kube.faults.failRequests({ status: 500 });
      const [entry] = await client().apply([vpc('never-1')]);
      expect(entry?.action).toBe('FAILED');
      expect(entry?.error?.handling).toBe('retry');
    });
  });

  it('lists page by page and filters by label', async () => {
    const samples: ClusterRequestSample[] = [];
    const c = new ClusterClient(settings, { retry: RETRY, pageSize: 2, onRequest: (s) => samples.push(s) });
    clients.push(c);
    await c.apply(
      ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((n) => ({
        ...vpc(n),
        metadata: { name: n, labels: { set: 'paged' } },
      })),
    );
    const listed = await c.list('VPC', { labelSelector: 'set=paged' });
    expect(listed.map((o) => o.metadata.name).sort()).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
    expect(samples.filter((s) => s.verb === 'list')).toHaveLength(3); // 2 + 2 + 1: it did page
    expect(listed.every((o) => o.kind === 'VPC')).toBe(true);
  });

  it('deletes, counting an absent object as deleted', async () => {
    const c = client();
    await c.apply([vpc('d-1')]);
    const entries = await c.delete([
      { kind: 'VPC', namespace: 'default', name: 'd-1' },
      { kind: 'VPC', namespace: 'default', name: 'never-existed' },
    ]);
    expect(entries.map((e) => e.action)).toEqual(['DELETED', 'DELETED']);
    expect((await c.list('VPC')).some((o) => o.metadata.name === 'd-1')).toBe(false);
  });
});

describe('ClusterClients', () => {
  const settings = { server: 'https://127.0.0.1:1', namespace: 'default', insecureSkipTlsVerify: false };

  it('caches per fabric and generation, and never shares a client between fabrics', () => {
    const clients = new ClusterClients();
    let built = 0;
    const make = () => (built++, settings);
    const a1 = clients.get('fabric-a', 1, make);
    expect(clients.get('fabric-a', 1, make)).toBe(a1);
    const b1 = clients.get('fabric-b', 1, make);
    expect(b1).not.toBe(a1);
    const a2 = clients.get('fabric-a', 2, make);
    expect(a2).not.toBe(a1);
    expect(built).toBe(3);
    clients.close();
  });
});

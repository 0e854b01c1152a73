/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
/** Fault controls: failing requests with Retry-After, refused connections, token expiry, dropped watches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { C, Collector, VPC_GVR, kubeConfigFor, raw, startWithClient, vpc } from './harness.js';

let kube: KubeApiServer;
let api: CustomObjectsApi;

beforeAll(async () => {
  ({ kube, api } = await startWithClient());
});
afterAll(() => kube.close());

describe('fault injection', () => {
  it('fails a number of requests with 429 and Retry-After, then recovers', async () => {
    kube.faults.failRequests({ status: 429, retryAfterSeconds: 2, count: 2 });
    for (const _ of [1, 2]) {
      const reply = await raw(kube, C);
      expect([reply.status, reply.headers['retry-after'], reply.json.reason]).toEqual([
        429,
        '2',
        'TooManyRequests',
      ]);
      expect(reply.json.details.retryAfterSeconds).toBe(2);
    }
    expect((await raw(kube, C)).status).toBe(200);
  });

  it('fails with 503 and 500 Status bodies, through client-node too', async () => {
    kube.faults.failRequests({ status: 503 });
    await expect(api.listNamespacedCustomObject(VPC_GVR)).rejects.toMatchObject({ code: 503 });
    kube.faults.failRequests({ status: 500 });
    const reply = await raw(kube, C);
    expect([reply.status, reply.json.reason, reply.headers['retry-after']]).toEqual([
      500,
      'InternalError',
      undefined,
    ]);
    kube.faults.clear();
    await expect(api.listNamespacedCustomObject(VPC_GVR)).resolves.toMatchObject({ kind: 'VPCList' });
  });

  it('fails no request with share 0 and every request with share 1', async () => {
    kube.faults.failRequests({ share: 0 });
    expect((await raw(kube, C)).status).toBe(200);
    kube.faults.failRequests({ share: 1 });
    expect((await raw(kube, C)).status).toBe(503);
    kube.faults.clear();
  });

  it('serves requests with added latency', async () => {
    kube.faults.setLatency(50);
    await expect(api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('slow') })).resolves.toMatchObject({
      metadata: { name: 'slow' },
    });
    kube.faults.clear();
  });

  it('refuses connections while stopped and keeps its state on the same port', async () => {
    await api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('kept') });
    const port = kube.port;
    await kube.stop();
    await expect(api.listNamespacedCustomObject(VPC_GVR)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await kube.start();
    expect(new URL(kube.url).port).toBe(String(port));
    await expect(api.getNamespacedCustomObject({ ...VPC_GVR, name: 'kept' })).resolves.toMatchObject({
      metadata: { name: 'kept' },
    });
  });

  it('expires and rotates the token', async () => {
    const old = kube.token;
    kube.faults.expireToken();
    expect((await raw(kube, C, { token: old })).status).toBe(401);
    const fresh = kube.faults.rotateToken();
    expect(fresh).not.toBe(old);
    expect(kube.token).toBe(fresh);
    expect((await raw(kube, C, { token: fresh })).status).toBe(200);
    expect((await raw(kube, C, { token: old })).status).toBe(401);
    api = kubeConfigFor(kube).makeApiClient(CustomObjectsApi);
  });

  it('cuts open watches abruptly, which watchers see as an error', async () => {
    const done = new Collector<unknown>();
    await new Watch(kubeConfigFor(kube)).watch(
      C,
      {},
      () => undefined,
      (err) => done.push(err ?? 'ended'),
    );
    kube.faults.dropWatches({ abrupt: true });
    await done.until((d) => d.length === 1);
    expect(done.items[0]).not.toBe('ended');
  });

  it('answers 406 when no listed media type is JSON', async () => {
    const reply = await raw(kube, C, { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect([reply.status, reply.json.reason]).toEqual([406, 'NotAcceptable']);
  });

  it('deletes a labelled collection', async () => {
    await api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('dc-1', { labels: { dc: 'x' } }) });
    await api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('dc-2', { labels: { dc: 'x' } }) });
    const reply = await raw(kube, `${C}?labelSelector=dc%3Dx`, { method: 'DELETE' });
    expect(reply.json.items.map((i: any) => i.metadata.name)).toEqual(['dc-1', 'dc-2']);
    expect((await raw(kube, `${C}?labelSelector=dc%3Dx`)).json.items).toEqual([]);
  });
});

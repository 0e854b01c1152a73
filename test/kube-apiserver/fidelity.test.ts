/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
/** Issue #19: behaviours where the test server used to differ from a real kube-apiserver, proven through kubectl and raw HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { C, raw, vpc } from './harness.js';
import { Kubectl } from './kubectl-run.js';

let kube: KubeApiServer;
let kubectl: Kubectl;

beforeAll(async () => {
  kube = await startKubeApiServer();
  kubectl = await Kubectl.forServer(kube);
});
afterAll(async () => {
  await kube.close();
  await kubectl.cleanup();
});

const createVpc = async (name: string, labels?: Record<string, string>) => {
  const reply = await raw(kube, C, { method: 'POST', body: vpc(name, labels ? { labels } : {}) });
  expect(reply.status).toBe(201);
};

describe('dryRun on DELETE', () => {
  it('kubectl delete --dry-run=server keeps the object', async () => {
    await createVpc('dry-1');
    const result = await kubectl.run(['delete', 'vpc', 'dry-1', '--dry-run=server']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('deleted (server dry run)');
    expect((await raw(kube, `${C}/dry-1`)).status).toBe(200);
  });

  it('honours dryRun ["All"] in the DeleteOptions body, and rejects other values there', async () => {
    await createVpc('dry-2');
    const rv = kube.resourceVersion;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] };
    expect((await raw(kube, `${C}/dry-2`, { method: 'DELETE', body })).status).toBe(200);
    expect((await raw(kube, `${C}/dry-2`)).status).toBe(200);
    expect(kube.resourceVersion).toBe(rv);
    const bad = await raw(kube, `${C}/dry-2`, { method: 'DELETE', body: { dryRun: ['Some'] } });
    expect(bad.status).toBe(422);
  });

  it('deletecollection with dryRun in the body deletes nothing', async () => {
    await createVpc('dry-3', { dry: 'c' });
    const body = { dryRun: ['All'] };
    const reply = await raw(kube, `${C}?labelSelector=dry%3Dc`, { method: 'DELETE', body });
    expect(reply.status).toBe(200);
    expect(reply.json.items.map((o: any) => o.metadata.name)).toEqual(['dry-3']);
    expect((await raw(kube, `${C}/dry-3`)).status).toBe(200);
  });
});

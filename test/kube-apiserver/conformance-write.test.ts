/** Contract §9 cases 22, 26–38: merge/JSON patch, server-side apply, delete — through client-node and raw HTTPS. */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { C, Collector, VPC_GVR, kubeConfigFor, raw, startWithClient, vpc } from './harness.js';

let kube: KubeApiServer;
let api: CustomObjectsApi;

beforeAll(async () => {
  ({ kube, api } = await startWithClient({ gcDelayMs: 20 }));
});
afterAll(() => kube.close());

const create = (body: object) => api.createNamespacedCustomObject({ ...VPC_GVR, body });
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const applyHeader = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const apply = (name: string, body: object, fieldManager: string, force = false) =>
  api.patchNamespacedCustomObject({ ...VPC_GVR, name, body, fieldManager, force }, applyHeader);
const ownersOf = (o: any, path: string[]) =>
  (o.metadata.managedFields as any[])
    .filter((m) => path.reduce((node: any, seg) => node?.[`f:${seg}`], m.fieldsV1) !== undefined)
    .map((m) => `${m.manager}/${m.operation}`);

async function failure(promise: Promise<unknown>): Promise<{ code: number; status: any }> {
  const err: any = await promise.then(
    () => expect.fail('expected failure'),
    (e: unknown) => e,
  );
  return { code: err.code, status: JSON.parse(err.body) };
}

describe('merge and JSON patch (§9 22, 26-28)', () => {
  it('merges, removes a label with null, and 404s on a missing object', async () => {
    await create(vpc('m26', { labels: { x: '1', keep: 'y' } }));
    const body = { spec: { vlanNamespace: 'v2' }, metadata: { labels: { x: null } } };
    const patched: any = await api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'm26', body }, merge);
    expect(patched.metadata.labels).toEqual({ keep: 'y' });
    expect(patched.spec.vlanNamespace).toBe('v2');
    expect(patched.metadata.generation).toBe(2);
    expect(ownersOf(patched, ['spec', 'vlanNamespace'])).toEqual(['node-fetch/Update']);
    expect(
      (await failure(api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'nope', body }, merge))).code,
    ).toBe(404);
  });

  it('applies JSON patches, fails a stale test op with 422 and a stale RV with 409', async () => {
    const created = await create(vpc('m27'));
    const ops = [{ op: 'replace', path: '/spec/vlanNamespace', value: 'v9' }];
    const patched: any = await api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'm27', body: ops });
    expect(patched.spec.vlanNamespace).toBe('v9');
    const test = [
      { op: 'test', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion },
      ...ops,
    ];
    const failed = await failure(api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'm27', body: test }));
    expect([failed.code, failed.status.reason, failed.status.message]).toEqual([
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
    ]);
    const stale = {
      metadata: { resourceVersion: created.metadata.resourceVersion },
      spec: { vlanNamespace: 'x' },
    };
    expect(
      (await failure(api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'm27', body: stale }, merge))).code,
    ).toBe(409);
    const notArray = await raw(kube, `${C}/m27`, {
      method: 'PATCH',
      body: { a: 1 },
      contentType: 'application/json-patch+json',
    });
    expect(notArray.status).toBe(400);
  });

  it('rejects strategic merge patch with 415 listing the three accepted types', async () => {
    await create(vpc('m28'));
    const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    const { code, status } = await failure(
      api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'm28', body: {} }, smp),
    );
    expect([code, status.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(status.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });
});

describe('server-side apply (§9 29-34)', () => {
  it('requires a fieldManager', async () => {
    const reply = await raw(kube, `${C}/a29`, {
      method: 'PATCH',
      body: vpc('a29'),
      contentType: 'application/apply-patch+yaml',
    });
    expect(reply.status).toBe(422);
    expect(reply.json.message).toContain('fieldManager: Required value');
  });

  it('creates with 201 and records the Apply manager, then conflicts, forces, and releases fields', async () => {
    const created = await apply('a30', vpc('a30'), 'hh');
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'hh', operation: 'Apply' }),
    ]);
    const changed = vpc('a30', { spec: { ipv4Namespace: 'other' } });
    const conflict = await failure(apply('a30', changed, 'b'));
    expect(conflict.code).toBe(409);
    expect(conflict.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "hh": .spec.ipv4Namespace',
    );
    expect(conflict.status.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "hh"', field: '.spec.ipv4Namespace' },
    ]);
    const forced = await apply('a30', changed, 'b', true);
    expect(forced.spec.ipv4Namespace).toBe('other');
    expect(ownersOf(forced, ['spec', 'ipv4Namespace'])).toEqual(['b/Apply']);
    const released = await apply('a30', { ...vpc('a30'), spec: { subnets: vpc('x').spec.subnets } }, 'hh');
    expect(released.spec.vlanNamespace).toBeUndefined();
    expect(released.spec.ipv4Namespace).toBe('other');
  });

  it('names the Update manager and its apiVersion when a POSTed field conflicts', async () => {
    await create(vpc('a31'));
    const { status } = await failure(apply('a31', vpc('a31', { spec: { vlanNamespace: 'x' } }), 'hh-sync'));
    expect(status.message).toBe(
      'Apply failed with 1 conflict: conflict with "node-fetch" using vpc.githedgehog.com/v1beta1: .spec.vlanNamespace',
    );
  });

  it('rejects a wrong apiVersion, managedFields in the body, and force on a merge patch', async () => {
    const version = await failure(
      apply('a34', { ...vpc('a34'), apiVersion: 'vpc.githedgehog.com/v1' }, 'hh'),
    );
    expect([version.code, version.status.message]).toEqual([
      400,
      'Incorrect version specified in apply patch. Specified patch version: vpc.githedgehog.com/v1, expected: vpc.githedgehog.com/v1beta1',
    ]);
    const managed = await failure(
      apply('a34', { ...vpc('a34'), metadata: { name: 'a34', managedFields: [] } }, 'hh'),
    );
    expect([managed.code, managed.status.message]).toEqual([400, 'metadata.managedFields must be nil']);
    await create(vpc('a34'));
    const forced = await failure(
      api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'a34', body: {}, force: true }, merge),
    );
    expect(forced.code).toBe(422);
    expect(forced.status.message).toContain('force: Forbidden: may not be specified for non-apply patch');
  });

  it('rejects a body naming another object than the URL, on apply, PUT and merge patch alike', async () => {
    const message = 'the name of the object (other) does not match the name on the URL (n35)';
    const applied = await failure(apply('n35', vpc('other'), 'hh'));
    expect([applied.code, applied.status.message]).toEqual([400, message]);
    const stored: any = await create(vpc('n35'));
    const body = { ...stored, metadata: { ...stored.metadata, name: 'other' } };
    const put = await failure(api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'n35', body }));
    expect([put.code, put.status.message]).toEqual([400, message]);
    const patched = await failure(
      api.patchNamespacedCustomObject(
        { ...VPC_GVR, name: 'n35', body: { metadata: { name: 'other' } } },
        merge,
      ),
    );
    expect([patched.code, patched.status.message]).toEqual([400, message]);
  });

  it('leaves the stored object untouched by a dry-run apply that releases fields', async () => {
    const subnets = {
      a: { subnet: '10.0.2.0/24', vlan: 1002 },
      b: { subnet: '10.0.3.0/24', vlan: 1003 },
    };
    await apply('a36', vpc('a36', { spec: { subnets } }), 'hh');
    const probe = await raw(kube, `${C}/a36?fieldManager=hh&dryRun=All`, {
      method: 'PATCH',
      body: vpc('a36', { spec: { subnets: { a: subnets.a } } }),
      contentType: 'application/apply-patch+yaml',
    });
    expect(probe.json.spec.subnets.b).toBeUndefined(); // released in the would-be result
    expect((await raw(kube, `${C}/a36`)).json.spec.subnets.b).toEqual(subnets.b);
  });

  it('keeps the RV for a no-op dry-run apply, which makes it a drift probe', async () => {
    const stored = await apply('a35', vpc('a35'), 'hh');
    const probe = await raw(kube, `${C}/a35?fieldManager=hh&dryRun=All`, {
      method: 'PATCH',
      body: vpc('a35'),
      contentType: 'application/apply-patch+yaml',
    });
    expect(probe.json.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
    const drift = await raw(kube, `${C}/a35?fieldManager=hh&dryRun=All`, {
      method: 'PATCH',
      body: vpc('a35', { spec: { ipv4Namespace: 'x' } }),
      contentType: 'application/apply-patch+yaml',
    });
    expect(drift.json.spec.ipv4Namespace).toBe('x');
    expect((await raw(kube, `${C}/a35`)).json.spec.ipv4Namespace).toBe('default');
  });
});

describe('delete (§9 35-38)', () => {
  it('removes an object without finalizers and answers a Success Status', async () => {
    const created = await create(vpc('d35'));
    const status: any = await api.deleteNamespacedCustomObject({ ...VPC_GVR, name: 'd35' });
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'd35', group: 'vpc.githedgehog.com', kind: 'vpcs', uid: created.metadata.uid },
    });
    expect((await raw(kube, `${C}/d35`)).status).toBe(404);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    const events = new Collector<string>();
    await create({ ...vpc('d36'), metadata: { name: 'd36', finalizers: ['x.io/f'] } });
    const start = kube.resourceVersion;
    const ctl = await new Watch(kubeConfigFor(kube)).watch(
      C,
      { resourceVersion: String(start), fieldSelector: 'metadata.name=d36' },
      (type) => events.push(type),
      () => undefined,
    );
    const terminating: any = await api.deleteNamespacedCustomObject({ ...VPC_GVR, name: 'd36' });
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(terminating.metadata.generation).toBe(2);
    const again: any = await api.deleteNamespacedCustomObject({ ...VPC_GVR, name: 'd36' });
    expect(again.metadata.resourceVersion).toBe(terminating.metadata.resourceVersion);
    const more = { metadata: { finalizers: ['x.io/f', 'y.io/g'] } };
    expect(
      (await failure(api.patchNamespacedCustomObject({ ...VPC_GVR, name: 'd36', body: more }, merge))).code,
    ).toBe(422);
    await api.patchNamespacedCustomObject(
      { ...VPC_GVR, name: 'd36', body: { metadata: { finalizers: [] } } },
      merge,
    );
    await events.until((e) => e.includes('DELETED'));
    expect(events.items).toEqual(['MODIFIED', 'DELETED']);
    ctl.abort();
    expect((await raw(kube, `${C}/d36`)).status).toBe(404);
  });

  it('adds foregroundDeletion, which the emulated garbage collector later removes', async () => {
    await create(vpc('d37'));
    const reply = await raw(kube, `${C}/d37?propagationPolicy=Foreground`, { method: 'DELETE' });
    expect(reply.json.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(reply.json.metadata.deletionTimestamp).toBeDefined();
    const events = new Collector<string>();
    const ctl = await new Watch(kubeConfigFor(kube)).watch(
      C,
      { resourceVersion: reply.json.metadata.resourceVersion, fieldSelector: 'metadata.name=d37' },
      (type) => events.push(type),
      () => undefined,
    );
    await events.until((e) => e.includes('DELETED'));
    ctl.abort();
  });

  it('checks preconditions from a DeleteOptions body', async () => {
    await create(vpc('d38'));
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } };
    const reply = await raw(kube, `${C}/d38`, { method: 'DELETE', body });
    expect([reply.status, reply.text]).toEqual([409, expect.stringContaining('"reason":"Conflict"')]);
    const dry = await raw(kube, `${C}/d38?dryRun=All`, { method: 'DELETE' });
    expect(dry.status).toBe(200);
    expect((await raw(kube, `${C}/d38`)).status).toBe(200);
  });
});

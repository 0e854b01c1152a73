/** Contract §9 cases 1–23: discovery, create, get, list, replace — through client-node and raw HTTPS. */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { C, VPC_GVR, WIDGETS, raw, startWithClient, vpc, widget, widgetCrd } from './harness.js';

let kube: KubeApiServer;
let api: CustomObjectsApi;

beforeAll(async () => {
  ({ kube, api } = await startWithClient());
});
afterAll(() => kube.close());

async function apiError(promise: Promise<unknown>): Promise<{ code: number; status: any }> {
  const err = await promise.then(
    () => expect.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  const e = err as ApiException<string>;
  return { code: e.code, status: JSON.parse(e.body) };
}

const create = (body: object) => api.createNamespacedCustomObject({ ...VPC_GVR, body });

describe('discovery (§9 1-2)', () => {
  it('lists vpcs with 8 verbs and vpcs/status, and both groups', async () => {
    const list = (await raw(kube, '/apis/vpc.githedgehog.com/v1beta1')).json;
    expect(list.kind).toBe('APIResourceList');
    const vpcs = list.resources.find((r: any) => r.name === 'vpcs');
    expect(vpcs).toMatchObject({ namespaced: true, kind: 'VPC', singularName: 'vpc' });
    expect(vpcs.verbs.sort()).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(list.resources.find((r: any) => r.name === 'vpcs/status').verbs).toEqual([
      'get',
      'patch',
      'update',
    ]);
    const groups = (await raw(kube, '/apis')).json;
    expect(groups.kind).toBe('APIGroupList');
    const names = groups.groups.map((g: any) => g.name);
    expect(names).toEqual(expect.arrayContaining(['vpc.githedgehog.com', 'wiring.githedgehog.com']));
    expect(groups.groups.find((g: any) => g.name === 'vpc.githedgehog.com').preferredVersion.version).toBe(
      'v1beta1',
    );
    expect((await raw(kube, '/version')).json.minor).toBe('33');
  });

  it('answers an unknown plural with the plain-text 404', async () => {
    const reply = await raw(kube, '/apis/vpc.githedgehog.com/v1beta1/namespaces/default/nosuch');
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.text.trim()).toBe('404 page not found');
  });

  it('answers an unknown subresource with a NotFound Status', async () => {
    const reply = await raw(kube, `${C}/x/scale`);
    expect(reply.status).toBe(404);
    expect(reply.json.kind).toBe('Status');
  });
});

describe('create (§9 3-9)', () => {
  it('stores a valid VPC with server metadata and without status', async () => {
    const created = await create({
      ...vpc('c3'),
      status: { x: 1 },
      metadata: { name: 'c3', uid: 'mine', generation: 7 },
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();
  });

  it('rejects a duplicate with AlreadyExists naming the plural', async () => {
    await create(vpc('c4'));
    const { code, status } = await apiError(create(vpc('c4')));
    expect(code).toBe(409);
    expect(status).toMatchObject({
      reason: 'AlreadyExists',
      details: { name: 'c4', kind: 'vpcs', group: 'vpc.githedgehog.com' },
    });
  });

  it('rejects a missing namespace with 404 naming it', async () => {
    const { code, status } = await apiError(
      api.createNamespacedCustomObject({ ...VPC_GVR, namespace: 'nope', body: vpc('c5') }),
    );
    expect(code).toBe(404);
    expect(status).toMatchObject({
      message: 'namespaces "nope" not found',
      details: { name: 'nope', kind: 'namespaces' },
    });
  });

  it('rejects a body in a format POST does not read with 415, naming the accepted types', async () => {
    const reply = await raw(kube, C, { method: 'POST', body: vpc('c6t'), contentType: 'text/plain' });
    expect([reply.status, reply.json.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(reply.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  });

  it('rejects a namespace or apiVersion mismatch with 400', async () => {
    const other = { ...vpc('c6'), metadata: { name: 'c6', namespace: 'other' } };
    const ns = await apiError(create(other));
    expect([ns.code, ns.status.reason]).toEqual([400, 'BadRequest']);
    expect(ns.status.message).toContain('does not match the namespace sent on the request');
    const version = await apiError(create({ ...vpc('c6'), apiVersion: 'vpc.githedgehog.com/v1' }));
    expect(version.code).toBe(400);
    expect(version.status.message).toContain(
      'does not match the expected API version (vpc.githedgehog.com/v1beta1)',
    );
  });

  it('rejects a wrong kind or a bad name with 422 causes', async () => {
    const kind = await apiError(create({ ...vpc('c7'), kind: 'Switch' }));
    expect(kind.code).toBe(422);
    expect(kind.status.details.causes).toEqual([
      expect.objectContaining({ field: 'kind', message: expect.stringContaining('must be VPC') }),
    ]);
    const name = await apiError(create(vpc('Bad_Name')));
    expect(name.status).toMatchObject({
      reason: 'Invalid',
      details: { kind: 'VPC', causes: [{ field: 'metadata.name', reason: 'FieldValueInvalid' }] },
    });
    expect(name.status.message).toContain(
      'VPC.vpc.githedgehog.com "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
  });

  it('answers a body carrying resourceVersion with a 500', async () => {
    const { code, status } = await apiError(
      create({ ...vpc('c8'), metadata: { name: 'c8', resourceVersion: '5' } }),
    );
    expect(code).toBe(500);
    expect(status.message).toBe('resourceVersion should not be set on objects to be created');
  });

  it('names an object from generateName', async () => {
    const created = await create({ ...vpc('x'), metadata: { generateName: 'vpc-' } });
    expect(created.metadata.name).toMatch(/^vpc-[a-z0-9]{5}$/);
  });

  it('keeps dryRun=All creations out of storage', async () => {
    const reply = await raw(kube, `${C}?dryRun=All`, { method: 'POST', body: vpc('dry') });
    expect(reply.status).toBe(201);
    expect((await raw(kube, `${C}/dry`)).status).toBe(404);
  });
});

describe('get and list (§9 10-18)', () => {
  beforeAll(async () => {
    await raw(kube, '/api/v1/namespaces', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
    });
    for (const [name, env] of [
      ['l-b', 'a'],
      ['l-a', 'b'],
      ['l-c', 'c'],
    ] as const) {
      await create(vpc(name, { labels: { env, group: 'list' } }));
    }
    await api.createNamespacedCustomObject({
      ...VPC_GVR,
      namespace: 'other',
      body: vpc('l-a', { labels: { group: 'list' } }),
    });
  });

  it('reports a missing object as NotFound', async () => {
    const { code, status } = await apiError(api.getNamespacedCustomObject({ ...VPC_GVR, name: 'missing' }));
    expect(code).toBe(404);
    expect(status.message).toBe('vpcs.vpc.githedgehog.com "missing" not found');
  });

  it('lists sorted items with apiVersion/kind and a list RV not older than the items', async () => {
    const list: any = await api.listNamespacedCustomObject({ ...VPC_GVR, labelSelector: 'group=list' });
    expect(list.kind).toBe('VPCList');
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(['l-a', 'l-b', 'l-c']);
    for (const item of list.items) {
      expect(item).toMatchObject({ apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'VPC' });
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(
        Number(item.metadata.resourceVersion),
      );
    }
  });

  it('lists all namespaces by namespace then name', async () => {
    const list: any = await api.listCustomObjectForAllNamespaces({ ...VPC_GVR, labelSelector: 'group=list' });
    expect(list.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
      'default/l-a',
      'default/l-b',
      'default/l-c',
      'other/l-a',
    ]);
  });

  it('filters by set-based label selectors and by metadata.name', async () => {
    const sets: any = await api.listNamespacedCustomObject({
      ...VPC_GVR,
      labelSelector: 'env in (a,b),!skip,group=list',
    });
    expect(sets.items.map((i: any) => i.metadata.name)).toEqual(['l-a', 'l-b']);
    const byName: any = await api.listNamespacedCustomObject({
      ...VPC_GVR,
      fieldSelector: 'metadata.name=l-b',
    });
    expect(byName.items.map((i: any) => i.metadata.name)).toEqual(['l-b']);
  });

  it('rejects unsupported field selectors and unparsable label selectors', async () => {
    const field = await apiError(
      api.listNamespacedCustomObject({ ...VPC_GVR, fieldSelector: 'spec.vlanNamespace=x' }),
    );
    expect([field.code, field.status.message]).toEqual([
      400,
      'field label not supported: spec.vlanNamespace',
    ]);
    expect(
      (await apiError(api.listNamespacedCustomObject({ ...VPC_GVR, labelSelector: 'a in (b' }))).code,
    ).toBe(400);
  });

  it('pages a consistent snapshot with limit/continue', async () => {
    for (const n of [1, 2, 3, 4, 5]) await create(vpc(`p-${n}`, { labels: { page: 'yes' } }));
    const first: any = await api.listNamespacedCustomObject({
      ...VPC_GVR,
      labelSelector: 'page=yes',
      limit: 2,
    });
    await create(vpc('p-0', { labels: { page: 'yes' } }));
    await api.deleteNamespacedCustomObject({ ...VPC_GVR, name: 'p-5' });
    const pages = [first];
    while (pages[pages.length - 1].metadata.continue) {
      const token = pages[pages.length - 1].metadata.continue;
      pages.push(
        await api.listNamespacedCustomObject({
          ...VPC_GVR,
          labelSelector: 'page=yes',
          limit: 2,
          _continue: token,
        }),
      );
    }
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((i: any) => i.metadata.name))).toEqual([
      'p-1',
      'p-2',
      'p-3',
      'p-4',
      'p-5',
    ]);
    expect(new Set(pages.map((p) => p.metadata.resourceVersion)).size).toBe(1);
  });

  it('rejects continue with resourceVersion, garbage tokens, and expired tokens', async () => {
    const first: any = await api.listNamespacedCustomObject({ ...VPC_GVR, limit: 1 });
    const token = first.metadata.continue as string;
    const withRv = await raw(kube, `${C}?limit=2&continue=${token}&resourceVersion=7`);
    expect([withRv.status, withRv.json.message]).toEqual([
      400,
      'specifying resource version is not allowed when using continue',
    ]);
    const garbage = await raw(kube, `${C}?continue=garbage`);
    expect(garbage.status).toBe(400);
    expect(garbage.json.message).toMatch(/^invalid continue token/);
    await create(vpc('after-token'));
    kube.compact();
    const old = await raw(kube, `${C}?limit=1&continue=${token}`);
    expect([old.status, old.json.reason]).toEqual([410, 'Expired']);
    expect(old.json.message).toMatch(/^The provided continue parameter is too old/);
  });
});

describe('replace (§9 19-25)', () => {
  it('bumps RV and generation on a spec change and rejects a stale RV', async () => {
    const created = await create(vpc('r19'));
    const changed = { ...created, spec: { ...created.spec, vlanNamespace: 'other' } };
    const replaced: any = await api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'r19', body: changed });
    expect(replaced.metadata.generation).toBe(2);
    expect(replaced.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const stale = await apiError(
      api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'r19', body: changed }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.message).toBe(
      'Operation cannot be fulfilled on vpcs.vpc.githedgehog.com "r19": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('requires a resourceVersion and an existing object', async () => {
    await create(vpc('r21'));
    const missingRv = await apiError(
      api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'r21', body: vpc('r21') }),
    );
    expect(missingRv.code).toBe(422);
    expect(missingRv.status.details).toMatchObject({
      kind: 'vpcs',
      causes: [{ field: 'metadata.resourceVersion' }],
    });
    expect(missingRv.status.message).toContain('must be specified for an update');
    const body = { ...vpc('nope'), metadata: { name: 'nope', resourceVersion: '1' } };
    expect((await apiError(api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'nope', body }))).code).toBe(
      404,
    );
  });

  it('keeps generation for label changes and RV for identical bodies, without a watch event', async () => {
    const created = await create(vpc('r23'));
    const labelled: any = await api.replaceNamespacedCustomObject({
      ...VPC_GVR,
      name: 'r23',
      body: { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } },
    });
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    const before = kube.resourceVersion;
    const same: any = await api.replaceNamespacedCustomObject({ ...VPC_GVR, name: 'r23', body: labelled });
    expect(same.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);
    expect(kube.resourceVersion).toBe(before);
  });

  it('ignores status on the main resource and stores only status through /status', async () => {
    const crd = await raw(kube, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body: widgetCrd(),
    });
    expect(crd.status).toBe(201);
    const created: any = await api.createNamespacedCustomObject({ ...WIDGETS, body: widget('r24') });
    const ignored: any = await api.replaceNamespacedCustomObject({
      ...WIDGETS,
      name: 'r24',
      body: { ...created, status: { s: 1 } },
    });
    expect(ignored.status).toBeUndefined();
    const viaStatus: any = await api.replaceNamespacedCustomObjectStatus({
      ...WIDGETS,
      name: 'r24',
      body: { ...ignored, spec: { size: 9 }, status: { applied: { gen: 1 } } },
    });
    expect(viaStatus.status).toEqual({ applied: { gen: 1 } });
    expect(viaStatus.spec.size).toBe(1);
    expect(viaStatus.metadata.generation).toBe(1);
    expect(viaStatus.metadata.resourceVersion).not.toBe(ignored.metadata.resourceVersion);
    const managers = viaStatus.metadata.managedFields.map((m: any) => `${m.manager}:${m.subresource ?? ''}`);
    expect(managers).toContain('node-fetch:status');
    const kept: any = await api.replaceNamespacedCustomObject({
      ...WIDGETS,
      name: 'r24',
      body: { ...viaStatus, spec: { size: 2 } },
    });
    expect([kept.status, kept.metadata.generation]).toEqual([{ applied: { gen: 1 } }, 2]);
  });
});

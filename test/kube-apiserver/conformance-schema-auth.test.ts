/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
/** Contract §9 cases 45–50 and §8: defaults, validation, pruning, auth, TLS, CRD endpoint, namespaces, admission hooks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import {
  C,
  VPC_GVR,
  W,
  WIDGETS,
  kubeConfigFor,
  raw,
  startWithClient,
  vpc,
  widget,
  widgetCrd,
} from './harness.js';

let kube: KubeApiServer;
let api: CustomObjectsApi;

beforeAll(async () => {
  ({ kube, api } = await startWithClient());
});
afterAll(() => kube.close());

const sw = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'Switch',
  metadata: { name },
  spec,
});

describe('schema (§9 45-48)', () => {
  it('defaults linkFlapErrDisable fields only when the object is present', async () => {
    const withFlap = await raw(kube, W, {
      method: 'POST',
      body: sw('s45', { role: 'spine', linkFlapErrDisable: {} }),
    });
    expect(withFlap.json.spec.linkFlapErrDisable).toEqual({
      flapThreshold: 3,
      recoveryInterval: 300,
      samplingInterval: 30,
    });
    const without = await raw(kube, W, { method: 'POST', body: sw('s45b', { role: 'spine' }) });
    expect(without.json.spec.linkFlapErrDisable).toBeUndefined();
  });

  it('reports enum, required and bound violations as 422 causes', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ role: 'foo' }, 'spec.role', 'FieldValueNotSupported'],
      [{}, 'spec.role', 'FieldValueRequired'],
      [
        { role: 'spine', linkFlapErrDisable: { flapThreshold: 99 } },
        'spec.linkFlapErrDisable.flapThreshold',
        'FieldValueInvalid',
      ],
    ];
    for (const [spec, field, reason] of cases) {
      const reply = await raw(kube, W, { method: 'POST', body: sw('s46', spec) });
      expect(reply.status).toBe(422);
      expect(reply.json).toMatchObject({
        reason: 'Invalid',
        details: { kind: 'Switch', group: 'wiring.githedgehog.com', name: 's46' },
      });
      expect(reply.json.details.causes).toEqual([expect.objectContaining({ field, reason })]);
      expect(reply.json.message).toMatch(/^Switch\.wiring\.githedgehog\.com "s46" is invalid: spec\./);
    }
  });

  it('prunes unknown fields with a warning, and rejects them with fieldValidation=Strict', async () => {
    const body = { ...vpc('v47'), spec: { ...vpc('v47').spec, bogus: 1 } };
    const warned = await raw(kube, C, { method: 'POST', body });
    expect(warned.status).toBe(201);
    expect(warned.json.spec.bogus).toBeUndefined();
    expect(warned.headers['warning']).toBe('299 - "unknown field \\"spec.bogus\\""');
    const strict = await raw(kube, `${C}?fieldValidation=Strict`, {
      method: 'POST',
      body: { ...body, metadata: { name: 'v47s' } },
    });
    expect([strict.status, strict.json.message]).toEqual([
      400,
      'strict decoding error: unknown field "spec.bogus"',
    ]);
  });

  it('answers an apply of an undeclared field with a 500', async () => {
    const body = { ...vpc('v48'), spec: { bogus: 1 } };
    const reply = await raw(kube, `${C}/v48?fieldManager=hh`, {
      method: 'PATCH',
      body,
      contentType: 'application/apply-patch+yaml',
    });
    expect(reply.status).toBe(500);
    expect(reply.json.message).toContain('.spec.bogus: field not declared in schema');
  });
});

describe('authentication and TLS (§9 49-50)', () => {
  it('answers a bad token with 401 and a token without permissions with 403', async () => {
    const bad = await raw(kube, C, { token: 'wrong' });
    expect([bad.status, bad.json]).toEqual([
      401,
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    ]);
    expect((await raw(kube, C, { token: null })).status).toBe(401);
    const limited = await raw(kube, C, { token: kube.limitedToken });
    expect(limited.status).toBe(403);
    expect(limited.json.message).toBe(
      'vpcs.vpc.githedgehog.com is forbidden: User "limited" cannot list resource "vpcs" in API group "vpc.githedgehog.com" in the namespace "default"',
    );
    const limitedApi = kubeConfigFor(kube, kube.limitedToken).makeApiClient(CustomObjectsApi);
    await expect(limitedApi.getNamespacedCustomObject({ ...VPC_GVR, name: 'x' })).rejects.toMatchObject({
      code: 403,
    });
  });

  it('verifies the server only with the CA', async () => {
    const kc = kubeConfigFor(kube);
    kc.clusters[0] = { ...kc.clusters[0]!, caData: undefined };
    const noCa = kc.makeApiClient(CustomObjectsApi);
    await expect(noCa.listNamespacedCustomObject(VPC_GVR)).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    await expect(api.listNamespacedCustomObject(VPC_GVR)).resolves.toMatchObject({ kind: 'VPCList' });
  });
});

describe('status subresource and verbs (§1, §3.8)', () => {
  it('patches and applies /status without touching spec, recording the status subresource', async () => {
    const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    if ((await raw(kube, `${crds}/widgets.test.example.com`)).status === 404)
      await raw(kube, crds, { method: 'POST', body: widgetCrd() });
    await api.createNamespacedCustomObject({ ...WIDGETS, body: widget('st', 1) });
    const path = '/apis/test.example.com/v1/namespaces/default/widgets/st/status';
    const merged = await raw(kube, path, {
      method: 'PATCH',
      body: { spec: { size: 5 }, status: { phase: 'Ready' } },
      contentType: 'application/merge-patch+json',
    });
    expect([merged.json.spec.size, merged.json.status, merged.json.metadata.generation]).toEqual([
      1,
      { phase: 'Ready' },
      1,
    ]);
    const applied = await raw(kube, `${path}?fieldManager=ctrl&force=true`, {
      method: 'PATCH',
      body: {
        apiVersion: 'test.example.com/v1',
        kind: 'Widget',
        metadata: { name: 'st' },
        status: { phase: 'Done' },
      },
      contentType: 'application/apply-patch+yaml',
    });
    expect(applied.json.status).toEqual({ phase: 'Done' });
    expect(applied.json.metadata.managedFields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ manager: 'ctrl', operation: 'Apply', subresource: 'status' }),
      ]),
    );
    expect((await raw(kube, `${crds}/widgets.test.example.com`, { method: 'DELETE' })).status).toBe(200);
  });

  it('answers verbs a path does not support with 405 or the plain 404', async () => {
    await api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('verbs') });
    const onStatus = await raw(kube, `${C}/verbs/status`, { method: 'DELETE' });
    expect([onStatus.status, onStatus.json.reason]).toEqual([405, 'MethodNotAllowed']);
    const postItem = await raw(kube, `${C}/verbs`, { method: 'POST', body: vpc('verbs') });
    expect([postItem.status, postItem.json.message]).toEqual([
      405,
      'create is not supported on resources of kind "vpcs.vpc.githedgehog.com"',
    ]);
    const clusterWide = await raw(kube, '/apis/vpc.githedgehog.com/v1beta1/vpcs', {
      method: 'POST',
      body: vpc('x'),
    });
    expect([clusterWide.status, clusterWide.text.trim()]).toEqual([404, '404 page not found']);
  });
});

describe('CRD endpoint and namespaces (§8)', () => {
  it('creates a CRD that becomes Established and serves its kind, and deletes its objects with it', async () => {
    const created = await raw(kube, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body: widgetCrd(),
    });
    expect(created.status).toBe(201);
    const again = await raw(kube, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body: widgetCrd(),
    });
    expect(again.status).toBe(409);
    const crd = await raw(
      kube,
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.example.com',
    );
    expect(crd.json.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
    );
    expect((await raw(kube, '/apis/test.example.com/v1')).json.resources[0].name).toBe('widgets');
    await api.createNamespacedCustomObject({ ...WIDGETS, body: widget('w1') });
    const deleted = await raw(
      kube,
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.example.com',
      { method: 'DELETE' },
    );
    expect(deleted.status).toBe(200);
    const gone = await raw(kube, '/apis/test.example.com/v1/namespaces/default/widgets');
    expect([gone.status, gone.text.trim()]).toEqual([404, '404 page not found']);
  });

  it('rejects a CRD whose name is not plural.group', async () => {
    const body = { ...widgetCrd(), metadata: { name: 'wrong' } };
    const reply = await raw(kube, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      body,
    });
    expect(reply.status).toBe(422);
  });

  it('creates, reads and deletes namespaces, listed in /api/v1 discovery', async () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    expect((await raw(kube, '/api/v1/namespaces', { method: 'POST', body: ns })).status).toBe(201);
    expect((await raw(kube, '/api/v1/namespaces/team-a')).json.status).toEqual({ phase: 'Active' });
    const discovery = await raw(kube, '/api/v1');
    expect(discovery.json.resources).toEqual([
      expect.objectContaining({ name: 'namespaces', namespaced: false }),
    ]);
    await api.createNamespacedCustomObject({ ...VPC_GVR, namespace: 'team-a', body: vpc('in-team') });
    expect((await raw(kube, '/api/v1/namespaces/team-a', { method: 'DELETE' })).status).toBe(200);
    expect((await raw(kube, '/apis/vpc.githedgehog.com/v1beta1/namespaces/team-a/vpcs/in-team')).status).toBe(
      404,
    );
  });
});

describe('admission hooks', () => {
  it('applies mutating hooks and rejects through validating hooks with 422 or 403', async () => {
    const removeMutating = kube.hooks.addMutating('VPC', ({ object }) => ({
      ...object,
      metadata: { ...object.metadata, labels: { ...object.metadata?.labels, mutated: 'yes' } },
    }));
    const removeValidating = kube.hooks.addValidating('VPC', ({ object }) =>
      object.metadata?.name === 'denied'
        ? { code: 422, message: 'names must not be denied', field: 'metadata.name' }
        : undefined,
    );
    const removeForbidden = kube.hooks.addValidating('VPC', ({ operation }) =>
      operation === 'DELETE' ? { code: 403, message: 'VPC is in use' } : undefined,
    );
    try {
      const created: any = await api.createNamespacedCustomObject({ ...VPC_GVR, body: vpc('hooked') });
      expect(created.metadata.labels).toEqual({ mutated: 'yes' });
      const denied = await raw(kube, C, { method: 'POST', body: vpc('denied') });
      expect([denied.status, denied.json.reason, denied.json.details.causes[0].field]).toEqual([
        422,
        'Invalid',
        'metadata.name',
      ]);
      expect(denied.json.message).toContain('denied the request: names must not be denied');
      const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      await api.patchNamespacedCustomObject(
        { ...VPC_GVR, name: 'hooked', body: { metadata: { labels: { mutated: null } } } },
        merge,
      );
      expect((await raw(kube, `${C}/hooked`)).json.metadata.labels).toEqual({ mutated: 'yes' });
      const forbidden = await raw(kube, `${C}/hooked`, { method: 'DELETE' });
      expect([forbidden.status, forbidden.json.reason]).toEqual([403, 'Forbidden']);
    } finally {
      removeMutating();
      removeValidating();
      removeForbidden();
    }
    expect((await raw(kube, `${C}/hooked`, { method: 'DELETE' })).status).toBe(200);
  });
});

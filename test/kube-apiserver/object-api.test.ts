/** client-node's KubernetesObjectApi (discovery-driven URLs, contract §1.1 and §11.5) and history limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { C, kubeConfigFor, raw, vpc } from './harness.js';

let kube: KubeApiServer;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  kube = await startKubeApiServer({ historyLimit: 5 });
  objects = KubernetesObjectApi.makeApiClient(kubeConfigFor(kube));
});
afterAll(() => kube.close());

/** Server-side apply, forced, as field manager hh-sync. */
const serverSideApply = (o: KubernetesObject) =>
  objects.patch(o, undefined, undefined, 'hh-sync', true, PatchStrategy.ServerSideApply);

describe('KubernetesObjectApi', () => {
  it('applies, reads, lists and deletes through discovery', async () => {
    const desired = vpc('obj-1') as KubernetesObject;
    const applied = await serverSideApply(desired);
    expect(applied.metadata?.namespace).toBe('default');
    const read = await objects.read<KubernetesObject & { spec: unknown }>({
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'VPC',
      metadata: { name: 'obj-1', namespace: 'default' },
    });
    expect(read.spec).toEqual(desired['spec' as keyof KubernetesObject]);
    const again = await serverSideApply(desired);
    expect(again.metadata?.resourceVersion).toBe(applied.metadata?.resourceVersion);
    const list = await objects.list('vpc.githedgehog.com/v1beta1', 'VPC', 'default');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['obj-1']);
    await objects.delete(desired);
    expect((await raw(kube, `${C}/obj-1`)).status).toBe(404);
  });

  it('rejects the default strategic merge patch with 415', async () => {
    await objects.create(vpc('obj-2'));
    await expect(
      objects.patch({
        ...(vpc('obj-2') as KubernetesObject),
        metadata: { name: 'obj-2', labels: { a: 'b' } },
      }),
    ).rejects.toMatchObject({
      code: 415,
    });
  });
});

describe('history limit', () => {
  it('answers a watch from an RV older than the kept history with a 410 ERROR event', async () => {
    const old = kube.resourceVersion;
    for (const n of [1, 2, 3, 4, 5, 6]) await raw(kube, C, { method: 'POST', body: vpc(`h-${n}`) });
    const reply = await raw(kube, `${C}?watch=true&resourceVersion=${old}`);
    expect(reply.status).toBe(200);
    const events = reply.text
      .trim()
      .split('\n')
      .map((l): unknown => JSON.parse(l));
    expect(events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ code: 410, reason: 'Expired' }) },
    ]);
    const recent = kube.resourceVersion - 2;
    const list = await raw(kube, `${C}?limit=1&resourceVersion=${recent}`);
    expect(list.json.metadata.resourceVersion).toBe(String(recent));
  });
});

/** Contract §9 cases 39–44 and §5.2: watch streams and client-node informers across drops and 410s. */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PatchStrategy, Watch, makeInformer, setHeaderOptions } from '@kubernetes/client-node';
import type { CustomObjectsApi, KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { Collector, VPC_GVR, raw, startWithClient, vpc } from './harness.js';

const NS = '/apis/vpc.githedgehog.com/v1beta1/namespaces/watch/vpcs';
const GVR = { ...VPC_GVR, namespace: 'watch' };

let kube: KubeApiServer;
let api: CustomObjectsApi;
let kc: KubeConfig;

beforeAll(async () => {
  ({ kube, api, kc } = await startWithClient({ bookmarkIntervalMs: 200 }));
  await raw(kube, '/api/v1/namespaces', {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watch' } },
  });
});
afterAll(() => kube.close());

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const create = (name: string, labels?: Record<string, string>) =>
  api.createNamespacedCustomObject({ ...GVR, body: vpc(name, labels ? { labels } : {}) });

interface Seen {
  type: string;
  name?: string;
  rv?: string;
  code?: number;
}

async function watchInto(
  params: Record<string, string | number | boolean | undefined>,
  seen: Collector<Seen>,
  done?: Collector<unknown>,
) {
  return new Watch(kc).watch(
    NS,
    params,
    (type, obj: any) =>
      seen.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion, code: obj?.code }),
    (err) => done?.push(err ?? 'ended'),
  );
}

describe('watch (§9 39-43)', () => {
  it('streams ADDED, MODIFIED and DELETED after a list RV, with increasing RVs', async () => {
    const list: any = await api.listNamespacedCustomObject(GVR);
    const seen = new Collector<Seen>();
    const ctl = await watchInto(
      { resourceVersion: list.metadata.resourceVersion, labelSelector: 'w=39' },
      seen,
    );
    await create('w39', { w: '39' });
    await api.patchNamespacedCustomObject(
      { ...GVR, name: 'w39', body: { spec: { vlanNamespace: 'x' } } },
      merge,
    );
    await api.deleteNamespacedCustomObject({ ...GVR, name: 'w39' });
    await seen.until((s) => s.length === 3);
    ctl.abort();
    expect(seen.items.map((s) => s.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = seen.items.map((s) => Number(s.rv));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(3);
  });

  it('starts with synthetic ADDED events without a resourceVersion', async () => {
    await create('w40a', { w: '40' });
    await create('w40b', { w: '40' });
    const seen = new Collector<Seen>();
    const ctl = await watchInto({ labelSelector: 'w=40' }, seen);
    await seen.until((s) => s.length === 2);
    ctl.abort();
    expect(seen.items.map((s) => `${s.type} ${s.name}`)).toEqual(['ADDED w40a', 'ADDED w40b']);
  });

  it('reports an object leaving the selector as DELETED', async () => {
    await create('w41', { env: 'a' });
    const seen = new Collector<Seen>();
    const ctl = await watchInto(
      { resourceVersion: String(kube.resourceVersion), labelSelector: 'env=a' },
      seen,
    );
    await api.patchNamespacedCustomObject(
      { ...GVR, name: 'w41', body: { metadata: { labels: { env: 'b' } } } },
      merge,
    );
    await seen.until((s) => s.length === 1);
    ctl.abort();
    expect(seen.items[0]).toMatchObject({ type: 'DELETED', name: 'w41' });
  });

  it('sends one ERROR 410 and ends the stream for an RV older than history', async () => {
    const old = kube.resourceVersion;
    await create('w42');
    kube.compact();
    const seen = new Collector<Seen>();
    const done = new Collector<unknown>();
    await watchInto({ resourceVersion: String(old) }, seen, done);
    await done.until((d) => d.length === 1);
    expect(seen.items).toEqual([{ type: 'ERROR', code: 410, name: undefined, rv: undefined }]);
    expect(done.items).toEqual(['ended']);
  });

  it('sends one ERROR 504 and ends the stream for an RV the server has not reached (a store rebuilt empty)', async () => {
    const seen = new Collector<Seen>();
    const done = new Collector<unknown>();
    await watchInto({ resourceVersion: String(kube.resourceVersion + 1000) }, seen, done);
    await done.until((d) => d.length === 1);
    expect(seen.items).toEqual([{ type: 'ERROR', code: 504, name: undefined, rv: undefined }]);
    expect(done.items).toEqual(['ended']);
  });

  it('sends bookmarks carrying only the RV, and ends cleanly after timeoutSeconds', async () => {
    const seen = new Collector<Seen>();
    const done = new Collector<unknown>();
    await watchInto(
      { resourceVersion: String(kube.resourceVersion), allowWatchBookmarks: true, timeoutSeconds: 1 },
      seen,
      done,
    );
    await done.until((d) => d.length === 1, 5000);
    expect(done.items).toEqual(['ended']);
    expect(seen.items.length).toBeGreaterThan(0);
    expect(
      seen.items.every(
        (s) => s.type === 'BOOKMARK' && s.name === undefined && s.rv === String(kube.resourceVersion),
      ),
    ).toBe(true);
  });
});

describe('informer (§9 44, §5.2)', () => {
  it('keeps an accurate cache across a dropped stream and a forced 410', async () => {
    let lists = 0;
    const listFn = () => {
      lists += 1;
      return api.listNamespacedCustomObject({ ...GVR, labelSelector: 'inf=yes' });
    };
    const informer = makeInformer<KubernetesObject>(kc, NS, listFn, 'inf=yes');
    const events = new Collector<string>();
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    informer.on('error', (err) => events.push(`error ${String(err)}`));
    await create('i1', { inf: 'yes' });
    await informer.start();
    await events.until((e) => e.includes('add i1'));

    kube.faults.dropWatches();
    await create('i2', { inf: 'yes' });
    await api.deleteNamespacedCustomObject({ ...GVR, name: 'i1' });
    await events.until((e) => e.includes('add i2') && e.includes('delete i1'));
    expect(lists).toBe(1);

    await create('not-watched'); // moves the server's RV past the informer's last seen RV
    kube.compact();
    kube.faults.dropWatches();
    await create('i3', { inf: 'yes' });
    await events.until((e) => e.includes('add i3'));
    await api.patchNamespacedCustomObject(
      { ...GVR, name: 'i2', body: { spec: { vlanNamespace: 'z' } } },
      merge,
    );
    await events.until((e) => e.includes('update i2'));
    expect(lists).toBe(2);
    expect(
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['i2', 'i3']);
    expect((informer.get('i2', 'watch') as any)?.spec.vlanNamespace).toBe('z');
    await informer.stop();
    expect(events.items.filter((e) => e.startsWith('error') && !e.includes('AbortError'))).toEqual([]);
  });
});

/** Concurrency: 50 clients writing while 100 watches are open; every watcher sees every event, in order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Watch } from '@kubernetes/client-node';
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { C, Collector, VPC_GVR, startWithClient, vpc } from './harness.js';

const OBJECTS = 150;
const CLIENTS = 50;
const WATCHES = 100;

let kube: KubeApiServer;
let api: CustomObjectsApi;
let kc: KubeConfig;

beforeAll(async () => {
  ({ kube, api, kc } = await startWithClient());
});
afterAll(() => kube.close());

describe('load', () => {
  it('keeps every watch complete and ordered under 50 concurrent writers', async () => {
    const start = String(kube.resourceVersion);
    const streams = Array.from({ length: WATCHES }, () => new Collector<number>());
    const controllers = await Promise.all(
      streams.map((s) =>
        new Watch(kc).watch(
          C,
          { resourceVersion: start },
          (_t, o: { metadata: { resourceVersion: string } }) => s.push(Number(o.metadata.resourceVersion)),
          () => undefined,
        ),
      ),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < OBJECTS) {
          const i = next++;
          await api.createNamespacedCustomObject({
            ...VPC_GVR,
            body: vpc(`load-${String(i).padStart(4, '0')}`),
          });
        }
      }),
    );
    await Promise.all(streams.map((s) => s.until((items) => items.length === OBJECTS, 60_000)));
    controllers.forEach((c) => c.abort());
    for (const s of streams) {
      expect(s.items).toEqual([...s.items].sort((a, b) => a - b));
      expect(new Set(s.items).size).toBe(OBJECTS); // each event once: a duplicate would hide a missing one
    }
    const list = (await api.listNamespacedCustomObject(VPC_GVR)) as { items: unknown[] };
    expect(list.items).toHaveLength(OBJECTS);
  });
});

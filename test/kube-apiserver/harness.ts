/** Shared set-up for the conformance suite: a server, client-node clients and a raw HTTPS client. */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
import { request } from 'node:https';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import type { KubeApiServer, KubeApiServerOptions } from '../support/kube-apiserver/index.js';

export const VPC_GVR = {
  group: 'vpc.githedgehog.com',
  version: 'v1beta1',
  namespace: 'default',
  plural: 'vpcs',
};
export const C = '/apis/vpc.githedgehog.com/v1beta1/namespaces/default/vpcs';
export const W = '/apis/wiring.githedgehog.com/v1beta1/namespaces/default/switches';

export interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

export interface RawOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

export function kubeConfigFor(kube: KubeApiServer, token = kube.token): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'fake',
        server: kube.url,
        caData: Buffer.from(kube.caPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'sync', token }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'sync', namespace: 'default' }],
    currentContext: 'fake',
  });
  return kc;
}

/** One HTTPS request with full control of method, body and headers. */
export function raw(kube: KubeApiServer, path: string, options: RawOptions = {}): Promise<RawReply> {
  const {
    method = 'GET',
    body,
    contentType = 'application/json',
    token = kube.token,
    headers = {},
  } = options;
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, kube.url),
      {
        method,
        ca: kube.caPem,
        headers: {
          Accept: 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload !== undefined
            ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function vpc(
  name: string,
  extra: { labels?: Record<string, string>; spec?: Record<string, unknown> } = {},
) {
  return {
    apiVersion: 'vpc.githedgehog.com/v1beta1',
    kind: 'VPC',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: extra.spec ?? {
      ipv4Namespace: 'default',
      vlanNamespace: 'default',
      subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001 } },
    },
  };
}

export async function startWithClient(options: KubeApiServerOptions = {}) {
  const kube = await startKubeApiServer(options);
  const kc = kubeConfigFor(kube);
  return { kube, kc, api: kc.makeApiClient(CustomObjectsApi) };
}

/** Collects items pushed by callbacks; `until` resolves as soon as a predicate holds (or rejects after `ms`). */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: { predicate: (items: T[]) => boolean; resolve: () => void }[] = [];

  push = (item: T): void => {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(this.items)) return true;
      w.resolve();
      return false;
    });
  };

  until(predicate: (items: T[]) => boolean, ms = 10_000): Promise<void> {
    if (predicate(this.items)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not seen within ${ms} ms; got ${JSON.stringify(this.items).slice(0, 800)}`)),
        ms,
      );
      this.waiters.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

/** A test-only CRD whose status keeps any field (the project's kinds have empty status schemas). */
export const WIDGETS = { group: 'test.example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
export function widgetCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.test.example.com' },
    spec: {
      group: 'test.example.com',
      scope: 'Namespaced',
      names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', properties: { size: { type: 'integer' } } },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}
export const widget = (name: string, size = 1) => ({
  apiVersion: 'test.example.com/v1',
  kind: 'Widget',
  metadata: { name },
  spec: { size },
});

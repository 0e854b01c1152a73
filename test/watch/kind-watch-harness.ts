/**
 * One kind's watch loop (watchKind) on the test kube-apiserver, for test/watch/kind-*.test.ts: a
 * server per describe, real sources, watches whose streams can be held back, the cluster's own view.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  TlsContexts,
  WatchSource,
  watchKind,
  type KindWatchStatus,
  type WatchEvent,
} from '../../src/cluster/watch.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { kubeApi } from '../sync/harness.js';
import { gvr } from '../sync/live.js';
import { Signals } from './support.js';

export const KIND = 'VLANNamespace';
const vlanNamespace = (name: string, from: number): Manifest => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: KIND,
  metadata: { name },
  spec: { ranges: [{ from, to: from + 10 }] },
});

export interface Running {
  readonly events: Signals<WatchEvent>;
  readonly statuses: Signals<KindWatchStatus>;
  /** name → resourceVersion, as the watch's events built it. */
  readonly view: Map<string, string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly relistMs?: number;
  /** Its streams pass bookmarks only, as a watch that silently lost track of the cluster. */
  readonly deaf?: boolean;
  /** false: the token may not read the namespace, so its uid tells nothing. */
  readonly namespaceReadable?: boolean;
}

/** Call inside a describe: starts a server before its tests and stops every watch after each. */
export function useKindWatch() {
  let kube: KubeApiServer;
  let source: WatchSource | undefined;
  let gate: Promise<void> | undefined;
  const running: Running[] = [];

  beforeAll(async () => {
    kube = await startKubeApiServer({});
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    source?.close();
  });
  afterAll(() => kube?.close());

  // As on a replica: every source shares one set of TLS contexts by CA.
  const tlsContexts = new TlsContexts();
  const sourceFor = (idleTimeoutMs = 60_000) =>
    (source = new WatchSource(
      {
        server: kube.url,
        token: kube.token,
        caPem: kube.caPem,
        namespace: 'default',
        insecureSkipTlsVerify: false,
      },
      { idleTimeoutMs, tlsContexts },
    ));

  /** The real source, whose next streams wait while `hold()` holds them (the cluster moves on meanwhile). */
  const start = (
    src: WatchSource,
    { relistMs, deaf = false, namespaceReadable = true }: StartOptions = {},
  ): Running => {
    const events = new Signals<WatchEvent>();
    const statuses = new Signals<KindWatchStatus>();
    const view = new Map<string, string>();
    const abort = new AbortController();
    const held: Pick<WatchSource, 'list' | 'stream' | 'identity'> = {
      list: (kind, signal) => src.list(kind, signal),
      identity: async (signal) => (namespaceReadable ? src.identity(signal) : undefined),
      stream: async (kind, from, handlers, signal) => {
        await gate;
        const onEvent: typeof handlers.onEvent = (type, object) =>
          (!deaf || type === 'BOOKMARK') && handlers.onEvent(type, object);
        return src.stream(kind, from, { ...handlers, onEvent }, signal);
      },
    };
    const loop = watchKind(
      {
        source: held,
        kind: KIND,
        backoff: { baseDelayMs: 20, maxDelayMs: 100 },
        ...(relistMs ? { relistMs } : {}),
        onEvent: (event) => {
          if (event.type === 'DELETED') view.delete(event.object.metadata.name);
          else view.set(event.object.metadata.name, String(event.object.metadata['resourceVersion']));
          events.push(event);
        },
        onStatus: statuses.push,
      },
      abort.signal,
    );
    const r = { events, statuses, view, stop: () => (abort.abort(), loop) };
    running.push(r);
    return r;
  };

  /** Holds every stream opened from now on; returns the release. */
  const hold = (): (() => void) => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    return () => {
      release();
      gate = undefined;
    };
  };

  const clusterView = async () => {
    const list = (await kubeApi(kube).listNamespacedCustomObject(gvr(KIND))) as { items: Manifest[] };
    return new Map(list.items.map((o) => [o.metadata.name, String(o.metadata['resourceVersion'])]));
  };
  const create = (name: string, from: number) =>
    kubeApi(kube).createNamespacedCustomObject({ ...gvr(KIND), body: vlanNamespace(name, from) });
  const replace = async (name: string, from: number) => {
    const api = kubeApi(kube);
    const current = (await api.getNamespacedCustomObject({ ...gvr(KIND), name })) as Manifest;
    await api.replaceNamespacedCustomObject({
      ...gvr(KIND),
      name,
      body: { ...current, spec: vlanNamespace(name, from).spec },
    });
  };
  const remove = (name: string) => kubeApi(kube).deleteNamespacedCustomObject({ ...gvr(KIND), name });
  const watching = (w: Running, from?: number) =>
    w.statuses.next(
      (s) => s.state === 'WATCHING',
      'the watch to be open',
      from === undefined ? {} : { from },
    );

  return {
    get kube() {
      return kube;
    },
    tlsContexts,
    sourceFor,
    start,
    hold,
    clusterView,
    create,
    replace,
    remove,
    watching,
  };
}

/**
 * One kind's watch loop against the test kube-apiserver: it follows every change, and after a cut
 * stream, a forced 410, a server restart, a silent stream, a stream that misses changes (the
 * periodic relist) and a server restarted empty its view equals the cluster again;
 * a stream to a server its CA did not sign is refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  WatchExpiredError,
  TlsContexts,
  WatchSource,
  watchKind,
  type KindWatchStatus,
  type WatchEvent,
} from '../../src/cluster/watch.js';
import { ClusterError } from '../../src/cluster/index.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { generateTls } from '../support/kube-apiserver/tls.js';
import { kubeApi } from '../sync/harness.js';
import { gvr } from '../sync/live.js';
import { Signals } from './support.js';

const KIND = 'VLANNamespace';
const vlanNamespace = (name: string, from: number): Manifest => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: KIND,
  metadata: { name },
  spec: { ranges: [{ from, to: from + 10 }] },
});

interface Running {
  readonly events: Signals<WatchEvent>;
  readonly statuses: Signals<KindWatchStatus>;
  /** name → resourceVersion, as the watch's events built it. */
  readonly view: Map<string, string>;
  stop(): Promise<void>;
}

describe('watchKind', () => {
  let kube: KubeApiServer;
  let source: WatchSource;
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

  /**
   * The real source, whose next streams can be held back to let the cluster move on meanwhile;
   * `deaf`: its streams pass bookmarks only, as a watch that silently lost track of the cluster;
   * `namespaceReadable: false`: the token may not read the namespace, so its uid tells nothing.
   */
  const start = (
    src: WatchSource,
    {
      relistMs,
      deaf = false,
      namespaceReadable = true,
    }: { relistMs?: number; deaf?: boolean; namespaceReadable?: boolean } = {},
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

  it('lists, then follows creates, updates and deletes in order', async () => {
    await create('before', 100);
    const w = start(sourceFor());
    await watching(w);
    expect(w.events.seen.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'before']]);
    await create('a', 200);
    await replace('a', 300);
    await remove('before');
    await w.events.next((e) => e.type === 'DELETED' && e.object.metadata.name === 'before', 'the delete');
    expect(w.events.seen.slice(1).map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'a'],
      ['MODIFIED', 'a'],
      ['DELETED', 'before'],
    ]);
    expect(w.view).toEqual(await clusterView());
  });

  it('relists every relistMs, quietly: a deletion its stream never reported is found all the same', async () => {
    await create('lost', 150);
    const w = start(sourceFor(), { relistMs: 300, deaf: true });
    await watching(w);
    const opened = w.statuses.seen.length;
    await remove('lost');
    await w.events.next((e) => e.type === 'DELETED' && e.object.metadata.name === 'lost', 'the relist');
    expect(w.view).toEqual(await clusterView());
    expect(w.statuses.seen.slice(opened).filter((s) => s.state !== 'WATCHING')).toEqual([]);
  });

  it('reconnects after a cut stream and misses nothing written while it was away', async () => {
    await create('c-1', 400);
    const w = start(sourceFor());
    await watching(w);
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const mark = w.statuses.seen.length;
    kube.faults.dropWatches({ abrupt: true });
    const retrying = await w.statuses.next((s) => s.state === 'RETRYING', 'the retry', { from: mark });
    expect(retrying.error).toBeInstanceOf(ClusterError);
    await create('c-away', 410);
    await replace('c-1', 420);
    release();
    gate = undefined;
    await w.events.next(
      (e) => e.object.metadata.name === 'c-1' && e.type === 'MODIFIED',
      'the missed update',
    );
    expect(w.events.seen.slice(-2).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED c-away',
      'MODIFIED c-1',
    ]);
    await create('after', 600);
    await w.events.next((e) => e.object.metadata.name === 'after', 'a later create');
    expect(w.view).toEqual(await clusterView());
  });

  it('relists after 410 Gone and reports exactly the differences as events', async () => {
    await Promise.all([create('k-keep', 700), create('k-change', 710), create('k-delete', 720)]);
    const w = start(sourceFor());
    await watching(w);
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const mark = w.statuses.seen.length;
    const firstEvent = w.events.seen.length;
    kube.faults.dropWatches({ abrupt: true });
    await w.statuses.next((s) => s.state === 'RETRYING', 'the retry', { from: mark });
    await create('k-new', 730);
    await replace('k-change', 740);
    await remove('k-delete');
    kube.compact();
    release();
    gate = undefined;
    const expired = await w.statuses.next((s) => s.error instanceof WatchExpiredError, 'the 410', {
      from: mark,
    });
    expect(expired.state).toBe('RETRYING');
    await w.statuses.next((s) => s.state === 'LISTING', 'the relist', { from: mark });
    await watching(
      w,
      w.statuses.seen.findLastIndex((s) => s.state === 'LISTING'),
    );
    const relisted = w.events.seen.slice(firstEvent).map((e) => `${e.type} ${e.object.metadata.name}`);
    expect(relisted.sort()).toEqual(['ADDED k-new', 'DELETED k-delete', 'MODIFIED k-change']);
    expect(w.view).toEqual(await clusterView());
  });

  it('waits out an API server restart on the same port and carries on', async () => {
    const w = start(sourceFor());
    await watching(w);
    const mark = w.statuses.seen.length;
    await kube.stop();
    await w.statuses.next((s) => s.state === 'RETRYING', 'the refused reconnect', { from: mark });
    await kube.start();
    await watching(w, mark);
    await create('after-restart', 900);
    await w.events.next((e) => e.object.metadata.name === 'after-restart', 'a create after the restart');
    expect(w.view).toEqual(await clusterView());
  });

  it('treats a stream silent for longer than the idle timeout as dead and reopens it', async () => {
    const w = start(sourceFor(300)); // the server sends bookmarks only every 60 s here
    await watching(w);
    const mark = w.statuses.seen.length;
    const idle = await w.statuses.next((s) => s.state === 'RETRYING', 'the idle timeout', { from: mark });
    expect(idle.error?.message).toMatch(/sent nothing for 300 ms/);
    await watching(w, mark);
    await create('after-idle', 1000);
    await w.events.next((e) => e.object.metadata.name === 'after-idle', 'a create after the reopen');
    expect(w.view).toEqual(await clusterView());
  });

  it('verifies the server against the fabric’s own CA, although streams share TLS contexts per CA', async () => {
    const good = sourceFor();
    const stranger = new WatchSource(
      {
        server: kube.url,
        token: kube.token,
        caPem: (await generateTls()).caPem,
        namespace: 'default',
        insecureSkipTlsVerify: false,
      },
      { tlsContexts },
    );
    const { resourceVersion } = await good.list(KIND, new AbortController().signal);
    const opened: string[] = [];
    const refused = stranger.stream(
      KIND,
      resourceVersion,
      { onOpen: () => opened.push('stranger'), onEvent: () => undefined },
      new AbortController().signal,
    );
    await expect(refused).rejects.toBeInstanceOf(ClusterError);
    await expect(refused).rejects.toThrow(/certificate/i);
    expect(opened).toEqual([]);
    stranger.close();
  });

  // Last: these empty the server every other test writes to.
  it('relists when the server restarted empty (its RVs behind the watch’s) and reports every object DELETED', async () => {
    await create('wiped-1', 400);
    await create('wiped-2', 420);
    const w = start(sourceFor(), { namespaceReadable: false }); // only the 504 tells
    await watching(w);
    const from = w.events.seen.length;
    await kube.restartEmpty();
    for (const name of ['wiped-1', 'wiped-2'])
      await w.events.next((e) => e.type === 'DELETED' && e.object.metadata.name === name, `${name} deleted`, {
        from,
      });
    expect(w.view).toEqual(await clusterView());
    expect(w.view.size).toBe(0);
    const expired = w.statuses.seen.find(
      (s) => s.state === 'RETRYING' && s.error instanceof WatchExpiredError,
    );
    expect(expired?.error?.message).toMatch(/too large resource version/i);
  });

  it('relists when the cluster was rebuilt and its versions already passed the watch’s (a new namespace uid)', async () => {
    await create('rebuilt-1', 500);
    const w = start(sourceFor());
    await watching(w);
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const from = w.events.seen.length;
    const version = kube.resourceVersion;
    await kube.restartEmpty();
    let last = '';
    for (let i = 0; kube.resourceVersion <= version; i++) await create((last = `filler-${i}`), 600 + 20 * i);
    release(); // the watch's version is a valid one of the new cluster now: only the uid tells
    gate = undefined;
    await w.events.next((e) => e.type === 'DELETED' && e.object.metadata.name === 'rebuilt-1', 'the relist', {
      from,
    });
    await w.events.next((e) => e.object.metadata.name === last, 'the last filler', { from });
    expect(w.view).toEqual(await clusterView());
  });
});

/**
 * One kind's watch loop against the test kube-apiserver: it follows every change, and after a cut
 * stream, a forced 410, a server restart and a silent stream its view equals the cluster again;
 * a stream to a server its CA did not sign is refused. (Relists after lost state: kind-relist.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { WatchExpiredError, WatchSource } from '../../src/cluster/watch.js';
import { ClusterError } from '../../src/cluster/index.js';
import { generateTls } from '../support/kube-apiserver/tls.js';
import { KIND, useKindWatch } from './kind-watch-harness.js';

describe('watchKind', () => {
  const h = useKindWatch();
  const { sourceFor, start, hold, clusterView, create, replace, remove, watching, tlsContexts } = h;

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

  it('reconnects after a cut stream and misses nothing written while it was away', async () => {
    await create('c-1', 400);
    const w = start(sourceFor());
    await watching(w);
    const release = hold();
    const mark = w.statuses.seen.length;
    h.kube.faults.dropWatches({ abrupt: true });
    const retrying = await w.statuses.next((s) => s.state === 'RETRYING', 'the retry', { from: mark });
    expect(retrying.error).toBeInstanceOf(ClusterError);
    await create('c-away', 410);
    await replace('c-1', 420);
    release();
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
    const release = hold();
    const mark = w.statuses.seen.length;
    const firstEvent = w.events.seen.length;
    h.kube.faults.dropWatches({ abrupt: true });
    await w.statuses.next((s) => s.state === 'RETRYING', 'the retry', { from: mark });
    await create('k-new', 730);
    await replace('k-change', 740);
    await remove('k-delete');
    h.kube.compact();
    release();
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
    await h.kube.stop();
    await w.statuses.next((s) => s.state === 'RETRYING', 'the refused reconnect', { from: mark });
    await h.kube.start();
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
        server: h.kube.url,
        token: h.kube.token,
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
});

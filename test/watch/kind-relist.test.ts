/**
 * Issue 17, "the cluster's truth", for one kind's watch: it relists — and reports the difference as
 * events — when nothing tells it the cluster lost state (every relistMs, quietly), when the server
 * restarted empty (a version it has not reached: 504 ResourceVersionTooLarge), and when the cluster
 * was rebuilt and its versions already passed the watch's (a new namespace uid).
 */
import { describe, expect, it } from 'vitest';
import { WatchExpiredError } from '../../src/cluster/watch.js';
import { useKindWatch } from './kind-watch-harness.js';

describe('watchKind after lost cluster state', () => {
  const h = useKindWatch();
  const { sourceFor, start, hold, clusterView, create, remove, watching } = h;

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

  it('relists when the server restarted empty (its RVs behind the watch’s) and reports every object DELETED', async () => {
    await create('wiped-1', 400);
    await create('wiped-2', 420);
    const w = start(sourceFor(), { namespaceReadable: false }); // only the 504 tells
    await watching(w);
    const from = w.events.seen.length;
    await h.kube.restartEmpty();
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
    const release = hold();
    const from = w.events.seen.length;
    const version = h.kube.resourceVersion;
    await h.kube.restartEmpty();
    let last = '';
    for (let i = 0; h.kube.resourceVersion <= version; i++)
      await create((last = `filler-${i}`), 600 + 20 * i);
    release(); // the watch's version is a valid one of the new cluster now: only the uid tells
    await w.events.next((e) => e.type === 'DELETED' && e.object.metadata.name === 'rebuilt-1', 'the relist', {
      from,
    });
    await w.events.next((e) => e.object.metadata.name === last, 'the last filler', { from });
    expect(w.view).toEqual(await clusterView());
  });
});

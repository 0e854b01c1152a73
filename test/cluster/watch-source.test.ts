/** The watch source's list against the test kube-apiserver: its per-page timeout and the caller's abort. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError, type ClusterSettings } from '../../src/cluster/index.js';
import { WatchSource } from '../../src/cluster/watch.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { settingsFor } from './settings.js';

describe('WatchSource.list', () => {
  let kube: KubeApiServer;
  let settings: ClusterSettings;
  const sources: WatchSource[] = [];
  const source = (requestTimeoutMs: number) => {
    const s = new WatchSource(settings, { requestTimeoutMs });
    sources.push(s);
    return s;
  };

  beforeAll(async () => {
    kube = await startKubeApiServer();
    settings = settingsFor(kube);
  });
  afterEach(() => kube.faults.clear());
  afterAll(async () => {
    sources.forEach((s) => s.close());
    await kube.close();
  });

  it('lists with the resourceVersion to watch from', async () => {
    const snapshot = await source(5_000).list('VPC', new AbortController().signal);
    expect(snapshot.objects).toEqual([]);
    expect(snapshot.resourceVersion).toMatch(/^\d+$/);
  });

  it('fails a page that outlasts requestTimeoutMs as a retryable Timeout', async () => {
    kube.faults.setLatency(300);
    const failure = await source(50)
      .list('VPC', new AbortController().signal)
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ClusterError);
    expect((failure as ClusterError).failure.reason).toBe('Timeout');
    expect((failure as ClusterError).handling).toBe('retry');
  });

  it("stops at the caller's abort a page that would otherwise succeed", async () => {
    kube.faults.setLatency(300); // well within requestTimeoutMs
    const controller = new AbortController();
    const listing = source(5_000).list('VPC', controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(listing).rejects.toBeInstanceOf(ClusterError);
  });
});

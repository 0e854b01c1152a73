/**
 * The watch source's list against the test kube-apiserver: its per-page timeout and the caller's
 * abort; its streams' connection limit against a server that is slow to answer.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { ClusterError, Limiter, type ClusterSettings } from '../../src/cluster/index.js';
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

describe('WatchSource requests with openings', () => {
  /** An HTTP server whose first `silent` requests are never answered and the rest after 30 ms. */
  async function slowServer(silent = 0) {
    let seen = 0;
    let waiting = 0;
    let mostWaiting = 0;
    const held: ServerResponse[] = [];
    const server = createServer((_req, res) => {
      held.push(res);
      if (seen++ < silent) return;
      mostWaiting = Math.max(mostWaiting, ++waiting);
      setTimeout(() => {
        waiting--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"1"}}}\n');
      }, 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      settings: { server: `http://127.0.0.1:${port}`, namespace: 'default', insecureSkipTlsVerify: false },
      mostWaiting: () => mostWaiting,
      close: async () => {
        held.forEach((res) => res.destroy());
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  async function openStreams(silent: number, streams: number, max: number) {
    const server = await slowServer(silent);
    const source = new WatchSource(server.settings, { openings: new Limiter(max) });
    const controller = new AbortController();
    let opened = 0;
    const handlers = { onOpen: () => opened++, onEvent: () => undefined };
    const running = Array.from({ length: streams }, () =>
      source.stream('VPC', '1', handlers, controller.signal),
    );
    return {
      opened: () => opened,
      mostWaiting: server.mostWaiting,
      async close() {
        controller.abort();
        await Promise.all(running);
        source.close();
        await server.close();
      },
    };
  }

  it('connects at most `max` streams at once and frees the slot when the server answers', async () => {
    const run = await openStreams(0, 6, 2);
    try {
      await expect.poll(run.opened, { timeout: 5_000 }).toBe(6); // all open although none has ended
      expect(run.mostWaiting()).toBe(2);
    } finally {
      await run.close();
    }
  });

  it('rejects a stream that cannot connect, with openings or without', async () => {
    const port = await freePort(); // nothing listens there now
    const settings = {
      server: `http://127.0.0.1:${port}`,
      namespace: 'default',
      insecureSkipTlsVerify: false,
    };
    const handlers = { onOpen: () => undefined, onEvent: () => undefined };
    for (const source of [
      new WatchSource(settings),
      new WatchSource(settings, { openings: new Limiter(1) }),
    ]) {
      await expect(source.stream('VPC', '1', handlers, new AbortController().signal)).rejects.toBeInstanceOf(
        ClusterError,
      );
      source.close();
    }
  });

  it('rejects a stream stopped while it waits for a slot, without opening it', async () => {
    const server = await slowServer(1); // the first request is never answered: it holds the slot
    const source = new WatchSource(server.settings, { openings: new Limiter(1) });
    const handlers = { onOpen: () => undefined, onEvent: () => undefined };
    const first = new AbortController();
    const waiting = new AbortController();
    try {
      const holding = source.stream('VPC', '1', handlers, first.signal);
      const queued = source.stream('VPC', '1', handlers, waiting.signal);
      waiting.abort(new Error('stopped'));
      await expect(queued).rejects.toThrow('stopped');
      first.abort();
      await holding;
    } finally {
      source.close();
      await server.close();
    }
  });

  it('frees the slot of a request the server never answers after a while', async () => {
    const run = await openStreams(1, 2, 1);
    try {
      await expect.poll(run.opened, { timeout: 5_000 }).toBe(1);
    } finally {
      await run.close();
    }
  });
});

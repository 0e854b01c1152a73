/** The server speaks HTTP/2 (ALPN h2) as a real kube-apiserver does, and HTTP/1.1 still. */
import { connect } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { C, Collector, raw, vpc } from './harness.js';
import { Kubectl } from './kubectl-run.js';

let kube: KubeApiServer;
let session: ClientHttp2Session;

beforeAll(async () => {
  kube = await startKubeApiServer();
  session = connect(kube.url, { ca: kube.caPem });
});
afterAll(async () => {
  session.close();
  await kube.close();
});

/** One HTTP/2 stream; `onLine` sees each line of the body as it arrives. */
function h2(path: string, onLine?: (line: string) => void): Promise<{ status: number; body: string }> {
  const stream = session.request({
    ':path': path,
    authorization: `Bearer ${kube.token}`,
    accept: 'application/json',
  });
  return new Promise((resolve, reject) => {
    let status = 0;
    let body = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      const lines = body.split('\n');
      lines.slice(0, -1).forEach((line) => onLine?.(line));
      if (onLine) body = lines[lines.length - 1]!;
    });
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', reject);
  });
}

describe('HTTP/2', () => {
  it('answers an h2 client, discovery and resources alike', async () => {
    const version = await h2('/version');
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body).gitVersion).toBe('v1.33.0-fake');
    expect((await h2(C)).status).toBe(200);
    expect(session.alpnProtocol).toBe('h2');
  });

  it('streams a watch over h2 while HTTP/1.1 clients write', async () => {
    const events = new Collector<string>();
    void h2(`${C}?watch=true&timeoutSeconds=5&resourceVersion=${kube.resourceVersion}`, events.push);
    expect((await raw(kube, C, { method: 'POST', body: vpc('over-h2') })).status).toBe(201);
    await events.until((lines) => lines.some((l) => l.includes('"over-h2"')));
    expect(JSON.parse(events.items.find((l) => l.includes('"over-h2"'))!).type).toBe('ADDED');
  });

  it('kubectl negotiates h2 and still gets and watches', async () => {
    const kubectl = await Kubectl.forServer(kube);
    try {
      const watching = kubectl.stream(['get', 'vpcs', '-w', '-o', 'name']);
      await watching.lines.until((l) => l.includes('vpc.vpc.githedgehog.com/over-h2'));
      await raw(kube, C, { method: 'POST', body: vpc('seen-by-kubectl') });
      await watching.lines.until((l) => l.includes('vpc.vpc.githedgehog.com/seen-by-kubectl'));
      watching.stop();
      expect(kube.http2Sessions).toBeGreaterThan(1);
    } finally {
      await kubectl.cleanup();
    }
  });
});

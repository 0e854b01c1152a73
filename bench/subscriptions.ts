/**
 * Live events end to end: 1,000 subscribers across 100 fabrics while the cluster takes 500 writes/s.
 * Each write creates an object one fabric desires; the fabric's watch updates the record, publishes
 * a recordEvent, and every subscriber of that fabric (10 each) receives it. Latency runs from the
 * moment the write is sent to the moment a subscriber has it, both measured in this process.
 *
 * Three processes, so client load and server load are measured apart: the test kube-apiserver, the
 * server (this file with the argument `server`: the whole app plus the watch supervisor, which
 * main.ts does not start yet) and this one (writer and subscribers). Phase 1 delivers through
 * GraphQL subscriptions (graphql-ws); phase 2 delivers the same kind of events through a plain `ws`
 * broadcast in the server: the floor, the same watch and bus path without GraphQL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../src/cluster/index.js';
import type { Manifest } from '../src/domain/manifest.js';
import { wsClient } from '../test/support/subscriptions.js';
import { startExternalKube, type ExternalKube } from './external-kube.js';
import { writeReport, type Row } from './report.js';
import { serveBench, type FabricInfo, type ServerMessage } from './subscriptions-server.js';

const FABRICS = Number(process.env['BENCH_FABRICS'] ?? 100);
const SUBSCRIBERS_PER_FABRIC = 10;
const WRITES_PER_SECOND = 500;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const WRITES = WRITES_PER_SECOND * SECONDS;
const DRAIN_MS = 15_000;

/** What both phases' writer creates and the server seeds as records: equal, so the records turn IN_SYNC. */
export const benchObject = (fabricName: string, namespace: string, name: string): Manifest => ({
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [FABRIC_LABEL]: fabricName } },
  spec: { ranges: [{ from: 100, to: 200 }] },
});

/** Object names of one phase: `<phase>-<n>`, write n going to fabric n % FABRICS. */
export const phaseNames = (phase: string, fabricIndex: number): string[] => {
  const names: string[] = [];
  for (let n = fabricIndex; n < WRITES; n += FABRICS) names.push(`${phase}-${n}`);
  return names;
};

interface Measure {
  readonly sentAt: Map<string, number>;
  readonly latencies: number[];
  delivered: number;
}

class Cluster {
  private readonly agent: Agent;
  constructor(private readonly kube: ExternalKube) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 64, ca: kube.caPem });
  }

  post(path: string, body: object): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.kube.url),
        {
          method: 'POST',
          agent: this.agent,
          headers: { Authorization: `Bearer ${this.kube.token}`, 'Content-Type': 'application/json' },
        },
        (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  create(fabric: FabricInfo, name: string): Promise<number> {
    const object = benchObject(fabric.name, fabric.namespace, name);
    return this.post(
      `/apis/wiring.githedgehog.com/v1beta1/namespaces/${fabric.namespace}/vlannamespaces`,
      object,
    );
  }

  close(): void {
    this.agent.destroy();
  }
}

const progress = (line: string) => process.stderr.write(`[subscriptions] ${line}\n`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

function startServer(
  kube: ExternalKube,
): Promise<{ child: ChildProcess; ready: Extract<ServerMessage, { type: 'ready' }> }> {
  const child = fork(fileURLToPath(import.meta.url), ['server'], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      BENCH_KUBE_URL: kube.url,
      BENCH_KUBE_CA: kube.caPem,
      BENCH_KUBE_TOKEN: kube.token,
    },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (m: ServerMessage) => m.type === 'ready' && resolve({ child, ready: m }));
  });
}

function askRss(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listener = (m: ServerMessage) => {
      if (m.type !== 'rss') return;
      child.off('message', listener);
      resolve(m.rss);
    };
    child.on('message', listener);
    child.send({ type: 'rss' });
  });
}

/** The subscribers of one phase. */
interface Audience {
  /** Every subscriber has received at least one event. */
  allHeard(): boolean;
  close(): Promise<void>;
}

const subscribersOf = (fabrics: readonly FabricInfo[]) =>
  fabrics.flatMap((f) => Array.from({ length: SUBSCRIBERS_PER_FABRIC }, () => f));

function graphqlAudience(url: string, fabrics: readonly FabricInfo[], m: Measure): Audience {
  const heard = new Set<number>();
  const clients = subscribersOf(fabrics).map((f, index) => {
    const client = wsClient(url, f.token);
    client.subscribe<{ recordEvents: { name: string } }>(
      {
        query: 'subscription ($id: ID!) { recordEvents(fabricId: $id) { name type resourceVersion } }',
        variables: { id: f.globalId },
      },
      {
        next: (result) => receive(m, heard, index, result.data?.recordEvents.name),
        error: (err) => console.error('subscription error', err),
        complete: () => undefined,
      },
    );
    return client;
  });
  return {
    allHeard: () => heard.size === clients.length,
    close: async () => {
      for (const client of clients) await client.dispose();
    },
  };
}

/** Connects in small batches: a thousand connects at once overflow the listen backlog. */
async function rawAudience(url: string, fabrics: readonly FabricInfo[], m: Measure): Promise<Audience> {
  const heard = new Set<number>();
  const sockets: WebSocket[] = [];
  const subscribers = subscribersOf(fabrics);
  for (let i = 0; i < subscribers.length; i += 50) {
    const batch = subscribers.slice(i, i + 50).map((f, j) => {
      const socket = new WebSocket(`${url}?fabric=${f.id}`);
      socket.on('message', (data: Buffer) =>
        receive(m, heard, i + j, (JSON.parse(data.toString()) as { name: string }).name),
      );
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  return {
    allHeard: () => heard.size === sockets.length,
    close: async () => {
      for (const socket of sockets) socket.close();
    },
  };
}

function receive(m: Measure, heard: Set<number>, subscriber: number, name: string | undefined): void {
  if (!name) return;
  const now = performance.now();
  heard.add(subscriber);
  const sent = m.sentAt.get(name);
  if (sent === undefined) return; // a warm-up event
  m.delivered += 1;
  m.latencies.push(now - sent);
}

async function runPhase(
  phase: string,
  cluster: Cluster,
  fabrics: readonly FabricInfo[],
  child: ChildProcess,
  makeAudience: (m: Measure) => Audience | Promise<Audience>,
) {
  const m: Measure = { sentAt: new Map(), latencies: [], delivered: 0 };
  const crowd = await makeAudience(m);
  // Warm-up: objects nobody desires (their events carry no record) until every subscriber has had
  // one, so every subscription is live before the measured writes start.
  for (let round = 0; !crowd.allHeard(); round++) {
    await Promise.all(fabrics.map((f, i) => cluster.create(f, `${phase}-warm-${i}-${round}`)));
    await sleep(500);
  }
  progress(`phase ${phase}: subscribers live, writing`);
  let serverRss = 0;
  const sampler = setInterval(
    () => void askRss(child).then((rss) => (serverRss = Math.max(serverRss, rss))),
    1000,
  );
  const started = performance.now();
  const writes: Promise<number>[] = [];
  const acks: number[] = [];
  for (let n = 0; n < WRITES; n++) {
    const due = started + (n * 1000) / WRITES_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const name = `${phase}-${n}`;
    const sentAt = performance.now();
    m.sentAt.set(name, sentAt);
    writes.push(
      cluster.create(fabrics[n % FABRICS]!, name).then((status) => {
        acks.push(performance.now() - sentAt);
        return status;
      }),
    );
  }
  const statuses = await Promise.all(writes);
  const writeSeconds = (performance.now() - started) / 1000;
  const expected = WRITES * SUBSCRIBERS_PER_FABRIC;
  const drainEnd = performance.now() + DRAIN_MS;
  while (m.delivered < expected && performance.now() < drainEnd) await sleep(100);
  clearInterval(sampler);
  serverRss = Math.max(serverRss, await askRss(child));
  await crowd.close();
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const result = {
    failedWrites: statuses.filter((s) => s !== 201).length,
    writeRate: WRITES / writeSeconds,
    delivered: m.delivered,
    expected,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    ackP50: percentile(
      acks.sort((a, b) => a - b),
      0.5,
    ),
    serverRssMb: serverRss / 2 ** 20,
  };
  progress(`phase ${phase}: ${JSON.stringify(result)}`);
  return result;
}

async function main(): Promise<void> {
  const kube = await startExternalKube();
  const cluster = new Cluster(kube);
  progress('kube-apiserver ready; starting the server and its watches');
  const server = await startServer(kube).catch(async (err: unknown) => {
    await kube.stop();
    throw err;
  });
  const { child, ready } = server;
  progress(`server ready, ${ready.fabrics.length} fabrics watched`);
  try {
    const gql = await runPhase('g', cluster, ready.fabrics, child, (m) =>
      graphqlAudience(ready.url, ready.fabrics, m),
    );
    const raw = await runPhase('w', cluster, ready.fabrics, child, (m) =>
      rawAudience(ready.rawUrl, ready.fabrics, m),
    );
    const clientRssMb = process.memoryUsage().rss / 2 ** 20;
    const rows: Row[] = [
      {
        metric: 'events delivered (graphql-ws)',
        value: gql.delivered,
        unit: 'events',
        peer: 'raw ws',
        peerValue: raw.delivered,
        target: `${gql.expected} (no loss)`,
        pass: gql.delivered === gql.expected,
      },
      {
        metric: 'latency p50, cluster write → subscriber',
        value: gql.p50,
        unit: 'ms',
        peer: 'raw ws',
        peerValue: raw.p50,
      },
      {
        metric: 'latency p99, cluster write → subscriber',
        value: gql.p99,
        unit: 'ms',
        peer: 'raw ws',
        peerValue: raw.p99,
        target: '≤ 100 ms',
        pass: gql.p99 <= 100,
      },
      {
        metric: 'latency p50, cluster write sent → write acknowledged by the API server',
        value: gql.ackP50,
        unit: 'ms',
        peer: 'raw ws',
        peerValue: raw.ackP50,
      },
      {
        metric: 'server RSS, peak',
        value: gql.serverRssMb,
        unit: 'MB',
        peer: 'raw ws',
        peerValue: raw.serverRssMb,
        target: '≤ 300 MB',
        pass: gql.serverRssMb <= 300,
      },
      {
        metric: 'writes sent',
        value: gql.writeRate,
        unit: 'writes/s',
        peer: 'raw ws',
        peerValue: raw.writeRate,
        note: `${gql.failedWrites + raw.failedWrites} failed`,
      },
    ];
    await writeReport(
      'subscriptions',
      'Subscriptions: 1,000 subscribers, 100 fabrics, 500 cluster writes/s',
      rows,
      {
        shape: `${FABRICS} fabrics × ${SUBSCRIBERS_PER_FABRIC} subscribers, ${WRITES_PER_SECOND} writes/s for ${SECONDS} s per phase`,
        path: 'kube write → watch → batched live-state UPDATE → event bus (in-process) → subscribers',
        'client process RSS': `${clientRssMb.toFixed(0)} MB (writer and 1,000 subscribers)`,
      },
    );
  } finally {
    child.send({ type: 'stop' });
    await new Promise((resolve) => child.once('exit', resolve));
    cluster.close();
    await kube.stop();
  }
}

if (process.argv[2] === 'server') await serveBench({ fabrics: FABRICS, phaseNames, benchObject });
else await main();

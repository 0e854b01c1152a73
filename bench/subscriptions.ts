/**
 * Live events end to end: 1,000 subscribers across 100 fabrics while the cluster takes 500 writes/s.
 * Each write creates an object one fabric desires; the fabric's watch updates the record, publishes
 * a recordEvent, and every subscriber of that fabric (10 each) receives it. Latency runs from the
 * moment the write is sent to the moment a subscriber has it, on the wall clock all processes share,
 * split at the event's `at` (when the server's watch took the event into a batch).
 *
 * Four processes, so each one's load is measured apart and none queues behind another's event loop:
 * the test kube-apiserver, the server (subscriptions-server.ts: the whole app, whose watch supervisor
 * watches every fabric; bundled as production is and run by plain node), the writer (`writer`) and this one (the seeding, before the
 * server starts, and the subscribers). Phase 1 delivers through
 * GraphQL subscriptions (graphql-ws); phase 2 delivers the same kind of events through a plain `ws`
 * broadcast in the server: the floor, the same watch and bus path without GraphQL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { wsClient } from '../test/support/subscriptions.js';
import { generateKeyText } from '../src/security/secret-keys.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { SERVER_ENV as PRODUCTION_ENV, SERVER_NODE_FLAGS, serverCommand } from '../scripts/build.js';
import { bundleRole } from './bundle-role.js';
import { startExternalKube } from './external-kube.js';
import { percentile, writeReport, type Row } from './report.js';
import { seedFabrics, type SeededFabric } from './subscriptions-seed.js';
import {
  SERVER_ENV,
  serveBench,
  type FabricInfo,
  type ServerCommand,
  type ServerMessage,
  type ServerStats,
} from './subscriptions-server.js';
import {
  FABRICS,
  SECONDS,
  WRITES,
  WRITES_PER_SECOND,
  serveWriter,
  wallNow,
  type WriterCommand,
  type WriterMessage,
} from './subscriptions-writer.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SUBSCRIBERS_PER_FABRIC = 10;
const DRAIN_MS = 15_000;
const WARM_UP_SECONDS = 5;

/** Every delivery of a measured write: which write, when it arrived, and the event's `at`. */
interface Deliveries {
  /** Names of the measured writes start with this. */
  readonly prefix: string;
  readonly write: number[];
  readonly receivedAt: number[];
  readonly batchedAt: number[];
}

const progress = (line: string) => process.stderr.write(`[subscriptions] ${line}\n`);

/** CPU time (user + system) of another process, ms, from /proc. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
}

/** The kube-apiserver child of this process (startExternalKube does not expose its pid). */
function kubePid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kube-apiserver')) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error('the kube-apiserver process was not found');
}

/**
 * The writer runs this file through tsx; the server runs `serverEntry` (the role bundled as
 * production is built) with plain node and production's flags and environment, or this file
 * through tsx with BENCH_SERVER_TSX=1 (how it ran before the production build, to compare).
 * BENCH_PROFILE_DIR=<dir>: each child writes a V8 CPU profile there when it exits.
 * BENCH_SERVER_FLAGS: extra node flags for the server, e.g. a heap limit to compare against.
 */
function forkRole(
  role: 'server' | 'writer',
  { serverEntry, env = {} }: { serverEntry?: string; env?: Record<string, string> } = {},
): ChildProcess {
  const profile = process.env['BENCH_PROFILE_DIR'];
  const flags =
    role === 'server' ? (process.env['BENCH_SERVER_FLAGS']?.split(' ').filter(Boolean) ?? []) : [];
  const compiled = role === 'server' && serverEntry && !process.env['BENCH_SERVER_TSX'];
  return fork(compiled ? serverEntry : fileURLToPath(import.meta.url), compiled ? [] : [role], {
    execArgv: [
      ...(compiled ? SERVER_NODE_FLAGS : ['--import', 'tsx']),
      ...flags,
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${role}`] : []),
    ],
    env: { ...process.env, ...(compiled ? PRODUCTION_ENV : {}), ...env },
  });
}

function startServer(
  serverEntry: string,
  db: TestDatabase,
  secretKeys: string,
  fabrics: readonly SeededFabric[],
): Promise<{ child: ChildProcess; ready: Extract<ServerMessage, { type: 'ready' }> }> {
  const child = forkRole('server', {
    serverEntry,
    env: {
      [SERVER_ENV.databaseUrl]: db.url,
      [SERVER_ENV.secretKeys]: secretKeys,
      [SERVER_ENV.fabrics]: JSON.stringify(fabrics),
    },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (m: ServerMessage) => m.type === 'ready' && resolve({ child, ready: m }));
  });
}

/** The next message of `type` from a child, after sending it `command`. */
function ask<M extends { type: string }>(child: ChildProcess, command: object, type: M['type']): Promise<M> {
  return new Promise((resolve) => {
    const listener = (m: M) => {
      if (m.type !== type) return;
      child.off('message', listener);
      resolve(m);
    };
    child.on('message', listener);
    child.send(command);
  });
}

const serverStats = (child: ChildProcess, reset: boolean) =>
  ask<Extract<ServerMessage, { type: 'stats' }>>(
    child,
    { type: 'stats', reset } satisfies ServerCommand,
    'stats',
  );

/** The subscribers of one phase. */
interface Audience {
  /** Every subscriber has received at least one event. */
  allHeard(): boolean;
  close(): Promise<void>;
}

const subscribersOf = (fabrics: readonly FabricInfo[]) =>
  fabrics.flatMap((f) => Array.from({ length: SUBSCRIBERS_PER_FABRIC }, () => f));

interface Delivered {
  readonly name: string;
  readonly at: string;
}

function graphqlAudience(url: string, fabrics: readonly FabricInfo[], d: Deliveries): Audience {
  const heard = new Set<number>();
  const clients = subscribersOf(fabrics).map((f, index) => {
    const client = wsClient(url, f.token);
    client.subscribe<{ recordEvents: Delivered }>(
      {
        query: 'subscription ($id: ID!) { recordEvents(fabricId: $id) { name type resourceVersion at } }',
        variables: { id: f.globalId },
      },
      {
        next: (result) => receive(d, heard, index, result.data?.recordEvents),
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
async function rawAudience(url: string, fabrics: readonly FabricInfo[], d: Deliveries): Promise<Audience> {
  const heard = new Set<number>();
  const sockets: WebSocket[] = [];
  const subscribers = subscribersOf(fabrics);
  for (let i = 0; i < subscribers.length; i += 50) {
    const batch = subscribers.slice(i, i + 50).map((f, j) => {
      const socket = new WebSocket(`${url}?fabric=${f.id}`);
      socket.on('message', (data: Buffer) =>
        receive(d, heard, i + j, JSON.parse(data.toString()) as Delivered),
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

function receive(d: Deliveries, heard: Set<number>, subscriber: number, event: Delivered | undefined): void {
  if (!event) return;
  const receivedAt = wallNow();
  heard.add(subscriber);
  if (!event.name.startsWith(d.prefix)) return; // a warm-up event
  const write = Number(event.name.slice(d.prefix.length));
  if (!Number.isInteger(write)) return; // this phase's warm-up
  d.write.push(write);
  d.receivedAt.push(receivedAt);
  d.batchedAt.push(Date.parse(event.at));
}

interface Processes {
  readonly server: ChildProcess;
  readonly writer: ChildProcess;
  readonly kubePid: number;
}

async function runPhase(
  phase: string,
  fabrics: readonly FabricInfo[],
  procs: Processes,
  makeAudience: (d: Deliveries) => Audience | Promise<Audience>,
) {
  const d: Deliveries = { prefix: `${phase}-`, write: [], receivedAt: [], batchedAt: [] };
  const crowd = await makeAudience(d);
  // Warm-up: objects nobody desires (their events carry no record) until every subscriber has had
  // one, so every subscription is live before the measured writes start.
  for (let round = 0; !crowd.allHeard(); round++) {
    const names = fabrics.map((_f, i) => `${phase}-warm${i}x${round}`);
    await ask<WriterMessage>(procs.writer, { type: 'warm', names } satisfies WriterCommand, 'warmed');
    await sleep(500);
  }
  progress(`phase ${phase}: subscribers live, writing`);
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  const before = await serverStats(procs.server, true);
  const cpuBefore = {
    kube: cpuMsOf(procs.kubePid),
    writer: cpuMsOf(procs.writer.pid!),
    client: process.cpuUsage(),
  };
  let serverRss = 0;
  const sampler = setInterval(
    () => void serverStats(procs.server, false).then((s) => (serverRss = Math.max(serverRss, s.rss))),
    1000,
  );
  const started = wallNow();
  const ran = await ask<Extract<WriterMessage, { type: 'ran' }>>(
    procs.writer,
    { type: 'run', phase, writes: WRITES } satisfies WriterCommand,
    'ran',
  );
  const expected = WRITES * SUBSCRIBERS_PER_FABRIC;
  const drainEnd = wallNow() + DRAIN_MS;
  while (d.write.length < expected && wallNow() < drainEnd) await sleep(100);
  clearInterval(sampler);
  const wallMs = wallNow() - started;
  const after: ServerStats = await serverStats(procs.server, false);
  const cores = (ms: number) => ms / wallMs;
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const load = {
    serverCores: cores(after.cpuMs - before.cpuMs),
    kubeCores: cores(cpuMsOf(procs.kubePid) - cpuBefore.kube),
    writerCores: cores(cpuMsOf(procs.writer.pid!) - cpuBefore.writer),
    clientCores: cores((clientCpu.user + clientCpu.system) / 1000),
    serverLoopP99: after.loopP99,
    serverLoopMax: after.loopMax,
    clientLoopP99: clientLoop.percentile(99) / 1e6,
  };
  clientLoop.disable();
  await crowd.close();
  const total: number[] = [];
  const toBatch: number[] = [];
  const fromBatch: number[] = [];
  for (let i = 0; i < d.write.length; i++) {
    const sent = ran.sentAt[d.write[i]!]!;
    total.push(d.receivedAt[i]! - sent);
    toBatch.push(d.batchedAt[i]! - sent);
    fromBatch.push(d.receivedAt[i]! - d.batchedAt[i]!);
  }
  const result = {
    failedWrites: ran.failed,
    writeRate: WRITES / ran.seconds,
    delivered: d.write.length,
    expected,
    p50: percentile(total, 0.5),
    p99: percentile(total, 0.99),
    toBatchP50: percentile(toBatch, 0.5),
    toBatchP99: percentile(toBatch, 0.99),
    fromBatchP50: percentile(fromBatch, 0.5),
    fromBatchP99: percentile(fromBatch, 0.99),
    ackP50: percentile(ran.acks, 0.5),
    ackP99: percentile(ran.acks, 0.99),
    serverRssMb: Math.max(serverRss, after.rss) / 2 ** 20,
    ...load,
  };
  progress(`phase ${phase}: ${JSON.stringify(result)}`);
  return result;
}

/** Until the server's watch supervisor reports every fabric's watch ACTIVE. */
async function allWatched(db: TestDatabase, fabrics: number): Promise<void> {
  const knex = db.orm.em.getConnection().getKnex();
  const active = async () =>
    Number((await knex('fabric').count('* as n').where('watch_status', 'ACTIVE'))[0]?.['n']);
  while ((await active()) < fabrics) await sleep(200);
}

async function main(): Promise<void> {
  const kube = await startExternalKube();
  const db = await createTestDatabase();
  const secretKeys = generateKeyText();
  const access = { url: kube.url, caPem: kube.caPem, token: kube.token };
  const seeded = await seedFabrics(db, secretKeys, access, FABRICS);
  const role = await bundleRole(path.join(BENCH_DIR, 'subscriptions-server.ts'), 'serveBench');
  progress(`kube-apiserver ready, ${seeded.length} fabrics seeded; starting the server`);
  const server = await startServer(role.entry, db, secretKeys, seeded).catch(async (err: unknown) => {
    await role.remove();
    await db.close();
    await kube.stop();
    throw err;
  });
  const { child, ready } = server;
  await allWatched(db, seeded.length);
  progress(`server ready, ${ready.fabrics.length} fabrics watched`);
  const writer = forkRole('writer');
  writer.send({ type: 'init', kube: access, fabrics: ready.fabrics } satisfies WriterCommand);
  const procs: Processes = { server: child, writer, kubePid: kubePid() };
  try {
    // Both phases run on warm processes: a few seconds at the full rate (objects no record desires,
    // so their events say ORPHANED) before the first, which otherwise pays for every JIT warm-up.
    const warmUp = { type: 'run', phase: 'x', writes: WRITES_PER_SECOND * WARM_UP_SECONDS } as const;
    await ask<WriterMessage>(writer, warmUp satisfies WriterCommand, 'ran');
    const gql = await runPhase('g', ready.fabrics, procs, (d) =>
      graphqlAudience(ready.url, ready.fabrics, d),
    );
    const raw = await runPhase('w', ready.fabrics, procs, (d) => rawAudience(ready.rawUrl, ready.fabrics, d));
    const clientRssMb = process.memoryUsage().rss / 2 ** 20;
    const vsFloor = (metric: string, key: keyof typeof gql, unit: string, more: Partial<Row> = {}): Row => ({
      metric,
      value: gql[key],
      unit,
      peer: 'raw ws',
      peerValue: raw[key],
      ...more,
    });
    const rows: Row[] = [
      vsFloor('events delivered (graphql-ws)', 'delivered', 'events', {
        target: `${gql.expected} (no loss)`,
        pass: gql.delivered === gql.expected,
      }),
      vsFloor('latency p50, cluster write → subscriber', 'p50', 'ms'),
      vsFloor('latency p99, cluster write → subscriber', 'p99', 'ms', {
        target: '≤ 100 ms',
        pass: gql.p99 <= 100,
      }),
      vsFloor('of which write sent → event batched by the watch, p50', 'toBatchP50', 'ms'),
      vsFloor('of which write sent → event batched by the watch, p99', 'toBatchP99', 'ms'),
      vsFloor('of which event batched → subscriber, p50', 'fromBatchP50', 'ms'),
      vsFloor('of which event batched → subscriber, p99', 'fromBatchP99', 'ms'),
      vsFloor('API server acknowledges a write, p50', 'ackP50', 'ms'),
      vsFloor('API server acknowledges a write, p99', 'ackP99', 'ms'),
      vsFloor('server RSS, peak', 'serverRssMb', 'MB', { target: '≤ 300 MB', pass: gql.serverRssMb <= 300 }),
      vsFloor('server CPU', 'serverCores', 'cores'),
      vsFloor('server event-loop delay, p99', 'serverLoopP99', 'ms'),
      vsFloor('server event-loop delay, max', 'serverLoopMax', 'ms'),
      vsFloor('kube-apiserver CPU', 'kubeCores', 'cores'),
      vsFloor('writer CPU', 'writerCores', 'cores'),
      vsFloor('subscribers process CPU', 'clientCores', 'cores'),
      vsFloor('subscribers process event-loop delay, p99', 'clientLoopP99', 'ms'),
      vsFloor('writes sent', 'writeRate', 'writes/s', {
        note: `${gql.failedWrites + raw.failedWrites} failed`,
      }),
    ];
    await writeReport(
      'subscriptions',
      'Subscriptions: 1,000 subscribers, 100 fabrics, 500 cluster writes/s',
      rows,
      {
        shape: `${FABRICS} fabrics × ${SUBSCRIBERS_PER_FABRIC} subscribers, ${WRITES_PER_SECOND} writes/s for ${SECONDS} s per phase`,
        path: 'kube write → watch → batched live-state UPDATE → event bus (in-process) → subscribers',
        processes: 'kube-apiserver, server, writer and subscribers each in a process of its own',
        'server build': process.env['BENCH_SERVER_TSX']
          ? 'TypeScript through the tsx loader (BENCH_SERVER_TSX)'
          : `bundled with npm run build's options and run as npm start does (${serverCommand('…')}), as deployed`,
        'subscribers process RSS': `${clientRssMb.toFixed(0)} MB (1,000 graphql-ws clients, then 1,000 ws sockets)`,
      },
    );
  } finally {
    writer.disconnect();
    child.send({ type: 'stop' } satisfies ServerCommand);
    await new Promise((resolve) => child.once('exit', resolve));
    await role.remove();
    await db.close();
    await kube.stop();
  }
}

if (process.argv[2] === 'server') await serveBench();
else if (process.argv[2] === 'writer') serveWriter();
else await main();

/**
 * The server side of bench/subscriptions.ts, run in a process of its own on the database the main
 * process seeded: the whole app as main.ts starts it (its watch supervisor watches every fabric),
 * a viewer token per fabric, and a plain `ws` broadcast of the same recordEvents as the floor.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadConfig } from '../src/config.js';
import { startApp } from '../src/main.js';
import type { SeededFabric } from './subscriptions-seed.js';

export interface FabricInfo {
  /** A viewer token for this fabric alone: its 10 subscribers share it (the API allows 100 per token). */
  readonly token: string;
  readonly id: string;
  readonly globalId: string;
  readonly name: string;
  readonly namespace: string;
}

/** What the server process measured of itself; event-loop delay since the last `stats` that asked for a reset. */
export interface ServerStats {
  readonly rss: number;
  /** User + system CPU time of this process, ms, since the process started. */
  readonly cpuMs: number;
  /** Event-loop delay, ms. */
  readonly loopP99: number;
  readonly loopMax: number;
}

export type ServerMessage =
  { type: 'ready'; url: string; rawUrl: string; fabrics: FabricInfo[] } | ({ type: 'stats' } & ServerStats);

export type ServerCommand = { type: 'stats'; reset: boolean } | { type: 'stop' };

/** What the main process passes in the environment. */
export const SERVER_ENV = {
  databaseUrl: 'BENCH_DATABASE_URL',
  secretKeys: 'BENCH_SECRET_KEYS',
  fabrics: 'BENCH_SEEDED_FABRICS',
} as const;

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set by the bench's main process`);
  return value;
};

const memory = (what: string) => {
  const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  process.stderr.write(
    `[subscriptions server] ${what}: rss ${mb(rss)}, heap ${mb(heapUsed)} of ${mb(heapTotal)}, external ${mb(external)}\n`,
  );
};

/** Every recordEvent of every fabric, serialized once and sent to that fabric's raw sockets. */
function rawBroadcast(
  events: Awaited<ReturnType<typeof startApp>>['services']['events'],
  fabrics: readonly FabricInfo[],
) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const audiences = new Map(fabrics.map((f) => [f.id, new Set<WebSocket>()]));
  wss.on('connection', (socket, req) => {
    const fabricId = new URL(req.url ?? '/', 'http://x').searchParams.get('fabric') ?? '';
    audiences.get(fabricId)?.add(socket);
    socket.on('close', () => audiences.get(fabricId)?.delete(socket));
  });
  const subscriptions = fabrics.map((f) => {
    const subscription = events.subscribe('recordEvents', f.id, { bufferSize: 100_000 });
    void (async () => {
      for await (const envelope of subscription) {
        const line = JSON.stringify(envelope.payload);
        for (const socket of audiences.get(f.id) ?? []) socket.send(line);
      }
    })();
    return subscription;
  });
  return {
    wss,
    close: async () => {
      await Promise.all(subscriptions.map((s) => s.return()));
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/**
 * BENCH_ALLOC_PROFILE=<file>: samples every allocation of the first phase, collected or not (what
 * makes the garbage), and writes the profile there when the second phase starts.
 */
async function allocationProfiler(file: string | undefined) {
  if (!file) return { phaseStarts: async () => undefined };
  const session = new Session();
  session.connect();
  let phase = 0;
  return {
    phaseStarts: async () => {
      phase++;
      if (phase === 1)
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 64 * 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      if (phase === 2) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        await writeFile(file, JSON.stringify(profile));
      }
    },
  };
}

export async function serveBench(): Promise<void> {
  const seeded = JSON.parse(env(SERVER_ENV.fabrics)) as SeededFabric[];
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-subscriptions-'));
  const app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: env(SERVER_ENV.databaseUrl),
      FABRIC_SYNC_DATA_DIR: dataDir,
      FABRIC_SYNC_ADMIN_TOKEN: `fst_bench_${randomUUID().replaceAll('-', '')}`,
      FABRIC_SYNC_SECRET_KEYS: env(SERVER_ENV.secretKeys),
      LOG_LEVEL: 'warn',
    }),
  );
  memory('app started, watching');
  const fabrics: FabricInfo[] = [];
  for (const fabric of seeded) {
    const { token } = await app.services.tokens.create({
      name: `viewer of ${fabric.name}`,
      grants: [{ role: 'VIEWER', fabricId: fabric.id }],
    });
    fabrics.push({ ...fabric, token });
  }
  const raw = rawBroadcast(app.services.events, fabrics);
  await new Promise((resolve) => raw.wss.once('listening', resolve));
  const address = raw.wss.address() as { port: number };
  const send = (m: ServerMessage) => process.send?.(m);
  const allocations = await allocationProfiler(process.env['BENCH_ALLOC_PROFILE']);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let phase = 0;
  process.on('message', (m: ServerCommand) => {
    if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        rss: process.memoryUsage().rss,
        cpuMs: (cpu.user + cpu.system) / 1000,
        loopP99: loop.percentile(99) / 1e6,
        loopMax: loop.max / 1e6,
      });
      if (m.reset) {
        void allocations.phaseStarts();
        loop.reset();
        memory('phase starts');
        // With BENCH_SERVER_FLAGS=--expose-gc: how much of that heap is live.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (gc) {
          gc();
          memory('phase starts, after a full GC');
        }
        // BENCH_HEAP_SNAPSHOT_DIR=<dir>: what the live heap holds as each phase starts.
        const snapshots = process.env['BENCH_HEAP_SNAPSHOT_DIR'];
        if (snapshots) writeHeapSnapshot(path.join(snapshots, `phase-${++phase}.heapsnapshot`));
      }
    }
    if (m.type === 'stop')
      void (async () => {
        await raw.close();
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
        process.exit(0);
      })();
  });
  send({ type: 'ready', url: app.url, rawUrl: `ws://127.0.0.1:${address.port}`, fabrics });
}

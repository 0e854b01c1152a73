/**
 * The server side of bench/subscriptions.ts, run in a process of its own: the whole app on a fresh
 * database, 100 fabrics (one namespace each) with the records the writer will create, the watch
 * supervisor over them, and a plain `ws` broadcast of the same recordEvents as the floor.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { toGlobalId } from '../src/api/ids.js';
import { loadConfig } from '../src/config.js';
import { canonicalHash } from '../src/domain/canonical.js';
import type { Manifest } from '../src/domain/manifest.js';
import { planRecordChanges } from '../src/domain/record-plan.js';
import { startApp } from '../src/main.js';
import { Redactor } from '../src/security/redactor.js';
import { SecretBox } from '../src/security/secret-box.js';
import { generateKeyText } from '../src/security/secret-keys.js';
import { SECRET_SLOTS, Vault } from '../src/security/vault.js';
import { Fabric } from '../src/store/entities/index.js';
import { RecordStore } from '../src/store/record-store.js';
import { SessionLocks } from '../src/store/session-locks.js';
import { WatchSupervisor } from '../src/sync/watch/index.js';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';

export interface FabricInfo {
  /** A viewer token for this fabric alone: its 10 subscribers share it (the API allows 100 per token). */
  readonly token: string;
  readonly id: string;
  readonly globalId: string;
  readonly name: string;
  readonly namespace: string;
}

export type ServerMessage =
  { type: 'ready'; url: string; rawUrl: string; fabrics: FabricInfo[] } | { type: 'rss'; rss: number };

export interface BenchShape {
  readonly fabrics: number;
  readonly phaseNames: (phase: string, fabricIndex: number) => string[];
  readonly benchObject: (fabricName: string, namespace: string, name: string) => Manifest;
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set by the bench's main process`);
  return value;
};

function createNamespace(name: string): Promise<void> {
  const ca = env('BENCH_KUBE_CA');
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/namespaces', env('BENCH_KUBE_URL')),
      {
        method: 'POST',
        agent: new Agent({ ca }),
        headers: { Authorization: `Bearer ${env('BENCH_KUBE_TOKEN')}`, 'Content-Type': 'application/json' },
      },
      (res) =>
        res
          .resume()
          .on('end', () =>
            res.statusCode === 201
              ? resolve()
              : reject(new Error(`namespace ${name}: HTTP ${res.statusCode}`)),
          ),
    );
    req.on('error', reject);
    req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  });
}

async function seedFabric(
  db: TestDatabase,
  vault: Vault,
  shape: BenchShape,
  index: number,
): Promise<Omit<FabricInfo, 'token'>> {
  const id = randomUUID();
  const info = { id, globalId: toGlobalId('Fabric', id), name: `bench-${index}`, namespace: `ns-${index}` };
  await createNamespace(info.namespace);
  const em = db.orm.em.fork();
  em.persist(
    Object.assign(new Fabric(), {
      id,
      name: info.name,
      clusterServer: env('BENCH_KUBE_URL'),
      clusterCa: env('BENCH_KUBE_CA'),
      clusterNamespace: info.namespace,
      clusterTokenCiphertext: vault.seal(env('BENCH_KUBE_TOKEN'), SECRET_SLOTS.fabricClusterToken(id)),
    }),
  );
  await em.flush();
  const desired = ['g', 'w']
    .flatMap((phase) => shape.phaseNames(phase, index))
    .map((name) => shape.benchObject(info.name, info.namespace, name))
    .map((m) => ({
      kind: m.kind,
      namespace: info.namespace,
      name: m.metadata.name,
      labels: m.metadata.labels ?? {},
      annotations: {},
      spec: m.spec ?? {},
      canonicalHash: canonicalHash(m),
      source: { file: 'bench.yaml', documentIndex: 0, line: 1, commit: 'bench' },
    }));
  const records = new RecordStore(db.orm);
  const plan = planRecordChanges(await records.loadExisting(id), desired);
  await records.write({ fabricId: id, plan, references: [], commit: 'bench', tree: null });
  return info;
}

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

export async function serveBench(shape: BenchShape): Promise<void> {
  const db = await createTestDatabase();
  const keys = generateKeyText();
  const adminToken = `fst_bench_${randomUUID().replaceAll('-', '')}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-subscriptions-'));
  const app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      FABRIC_SYNC_DATA_DIR: dataDir,
      FABRIC_SYNC_ADMIN_TOKEN: adminToken,
      FABRIC_SYNC_SECRET_KEYS: keys,
      LOG_LEVEL: 'warn',
    }),
  );
  const vault = new Vault(SecretBox.fromKeyList(keys), new Redactor());
  const fabrics: FabricInfo[] = [];
  for (let i = 0; i < shape.fabrics; i++) {
    const fabric = await seedFabric(db, vault, shape, i);
    const { token } = await app.services.tokens.create({
      name: `viewer of ${fabric.name}`,
      grants: [{ role: 'VIEWER', fabricId: fabric.id }],
    });
    fabrics.push({ ...fabric, token });
  }
  process.stderr.write(`[subscriptions server] ${fabrics.length} fabrics seeded\n`);
  const locks = new SessionLocks(db.orm);
  const supervisor = new WatchSupervisor({
    orm: db.orm,
    vault,
    events: app.services.events,
    locks,
    log: app.log,
  });
  supervisor.start();
  const knex = db.orm.em.getConnection().getKnex();
  const activeCount = async () =>
    Number((await knex('fabric').count('* as n').where('watch_status', 'ACTIVE'))[0]?.['n']);
  while ((await activeCount()) < shape.fabrics) await sleep(200);
  const raw = rawBroadcast(app.services.events, fabrics);
  await new Promise((resolve) => raw.wss.once('listening', resolve));
  const address = raw.wss.address() as { port: number };
  const send = (m: ServerMessage) => process.send?.(m);
  process.on('message', (m: { type: string }) => {
    if (m.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss });
    if (m.type === 'stop')
      void (async () => {
        await raw.close();
        await supervisor.stop();
        await locks.close();
        await app.close();
        await db.close();
        await rm(dataDir, { recursive: true, force: true });
        process.exit(0);
      })();
  });
  send({ type: 'ready', url: app.url, rawUrl: `ws://127.0.0.1:${address.port}`, fabrics });
}

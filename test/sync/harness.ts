/**
 * The apply/drift/reconcile pipelines wired like main.ts does, on a fresh database and the test
 * kube-apiserver (fabric webhooks emulated), with helpers to seed records and run operations.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ClusterClients } from '../../src/cluster/index.js';
import { canonicalHash } from '../../src/domain/canonical.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { planRecordChanges, type DesiredRecord } from '../../src/domain/record-plan.js';
import type { OperationType } from '../../src/domain/states.js';
import { InProcessBus } from '../../src/events/index.js';
import { GitSource } from '../../src/git/git-source.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { generateKeyText } from '../../src/security/secret-keys.js';
import { SECRET_SLOTS, Vault } from '../../src/security/vault.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { DriftStore } from '../../src/store/drift-store.js';
import { Fabric, GitRepository, type Operation, ResourceRecord } from '../../src/store/entities/index.js';
import { LiveStateStore } from '../../src/store/live-state-store.js';
import { RecordStore } from '../../src/store/record-store.js';
import { applyPipeline } from '../../src/sync/apply/pipeline.js';
import { driftPipeline } from '../../src/sync/drift/pipeline.js';
import { ParseCache } from '../../src/sync/git-sync/parse-cache.js';
import { toDesired } from '../../src/sync/git-sync/persist.js';
import { gitSyncPipeline } from '../../src/sync/git-sync/pipeline.js';
import { DEFAULT_SYNC_LIMITS } from '../../src/sync/git-sync/sync-limits.js';
import { operationEnd } from '../../src/sync/operation-end.js';
import { OperationService } from '../../src/sync/operation-service.js';
import { reconcilePipeline, type ReconcileDeps } from '../../src/sync/reconcile.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';

export interface FabricInput {
  readonly name?: string;
  readonly prune?: boolean;
  readonly autoApply?: boolean;
  readonly token?: string;
  readonly repositoryId?: string;
  readonly directory?: string;
  /** The fabric's namespace of the test cluster (default: "default", where the fixtures' objects live). */
  readonly namespace?: string;
}

export interface SyncHarness {
  readonly db: TestDatabase;
  readonly kube: KubeApiServer;
  readonly deps: ReconcileDeps;
  readonly events: InProcessBus;
  readonly operations: OperationService;
  /** client-node straight to the test server, for changes "made with kubectl". */
  readonly api: CustomObjectsApi;
  createFabric(input?: FabricInput): Promise<Fabric>;
  /** Makes the fabric's records equal `manifests`, as a git sync's PERSIST would. */
  seedRecords(fabricId: string, manifests: readonly Manifest[]): Promise<void>;
  run(fabricId: string, type: OperationType, options?: { dryRun?: boolean }): Promise<Operation>;
  records(fabricId: string): Promise<ResourceRecord[]>;
  fabric(fabricId: string): Promise<Fabric>;
  close(): Promise<void>;
}

/** Fast enough for tests, patient enough to outlast an injected burst. */
export const FAST_RETRY = { attempts: 8, baseDelayMs: 10, maxDelayMs: 100 };

/** The record PERSIST would store for `m`, as if read from seed.yaml at commit "seed". */
function seedRecord(m: Manifest): DesiredRecord {
  const record = toDesired(
    { manifest: m, source: { file: 'seed.yaml', documentIndex: 0, line: 1 } },
    canonicalHash(m),
  );
  return { ...record, source: { ...record.source, commit: 'seed' } };
}

export function kubeApi(kube: KubeApiServer): CustomObjectsApi {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'k', server: kube.url, caData: Buffer.from(kube.caPem).toString('base64') }],
    users: [{ name: 'u', token: kube.token }],
    contexts: [{ name: 'k', cluster: 'k', user: 'u', namespace: 'default' }],
    currentContext: 'k',
  });
  return kc.makeApiClient(CustomObjectsApi);
}

export async function startSyncHarness(): Promise<SyncHarness> {
  const db = await createTestDatabase();
  const kube = await startKubeApiServer({ emulateFabricWebhooks: true });
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'sync-harness-'));
  const redactor = new Redactor();
  const vault = new Vault(SecretBox.fromKeyList(generateKeyText()), redactor);
  const events = new InProcessBus();
  const { orm } = db;
  const deps: ReconcileDeps = {
    orm,
    vault,
    events,
    clusters: new ClusterClients({ retry: FAST_RETRY, timeoutMs: 10_000 }),
    liveState: new LiveStateStore(orm),
    drift: new DriftStore(orm),
    records: new RecordStore(orm),
    parseCache: new ParseCache(),
    limits: DEFAULT_SYNC_LIMITS,
    git: new GitSource({ cacheDir, allowedSchemes: ['http', 'file'], redact: (t) => redactor.redact(t) }),
  };
  const operations = new OperationService({
    orm,
    events,
    locks: new AdvisoryLocks(orm),
    log: pino({ level: 'silent' }),
    redactor,
    pipelines: {
      GIT_SYNC: gitSyncPipeline(deps),
      APPLY: applyPipeline(deps),
      DRIFT_CHECK: driftPipeline(deps),
      RECONCILE: reconcilePipeline(deps),
    },
  });
  const load = async (fabricId: string) => orm.em.fork().findOneOrFail(Fabric, fabricId);
  return {
    db,
    kube,
    deps,
    events,
    operations,
    api: kubeApi(kube),
    async createFabric({
      name = `f-${randomUUID().slice(0, 8)}`,
      prune = false,
      autoApply = false,
      token,
      repositoryId,
      directory = '',
      namespace = 'default',
    } = {}) {
      const em = orm.em.fork();
      const id = randomUUID();
      const fabric = Object.assign(new Fabric(), {
        id,
        name,
        clusterServer: kube.url,
        clusterNamespace: namespace,
        clusterCa: kube.caPem,
        clusterTokenCiphertext: vault.seal(token ?? kube.token, SECRET_SLOTS.fabricClusterToken(id)),
        prune,
        autoApply,
        directory,
        ...(repositoryId
          ? { repository: em.getReference(GitRepository, repositoryId, { wrapped: true }) }
          : {}),
      });
      await em.persist(fabric).flush();
      return fabric;
    },
    async seedRecords(fabricId, manifests) {
      const records = new RecordStore(orm);
      const plan = planRecordChanges(await records.loadExisting(fabricId), manifests.map(seedRecord));
      await records.write({ fabricId, plan, references: [], commit: 'seed', tree: null });
    },
    async run(fabricId, type, { dryRun = false } = {}) {
      return operationEnd({ orm, events }, await operations.start({ fabricId, type, dryRun }));
    },
    records: (fabricId) =>
      orm.em.fork().find(ResourceRecord, { fabric: fabricId }, { orderBy: { kind: 'asc', name: 'asc' } }),
    fabric: load,
    async close() {
      deps.clusters.close();
      await kube.close();
      await events.close();
      await db.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

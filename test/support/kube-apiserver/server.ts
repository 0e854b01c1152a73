/**
 * startKubeApiServer: builds the store, registry, admission hooks and HTTPS listener, installs
 * the CRDs and the "default" namespace, and hands tests the URL, CA, token and fault controls.
 */
import { projectCrds } from '../../../src/domain/crds.js';
import { AdmissionHooks } from './admission.js';
import { createHandler } from './api-handler.js';
import { Authenticator } from './auth.js';
import type { TokenUser } from './auth.js';
import type { Backend } from './backend.js';
import { startCrdController } from './crd-controller.js';
import { registerFabricWebhookRules } from './fabric-webhook-rules.js';
import { registerFabricWebhooks } from './fabric-webhooks.js';
import type { FailureSpec } from './faults.js';
import { FaultInjector } from './faults.js';
import { GarbageCollector } from './garbage-collector.js';
import { HttpsListener } from './https-listener.js';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { nowTimestamp } from './object-rules.js';
import { persist } from './persist.js';
import { CRDS, NAMESPACES, ResourceRegistry, resourceTypeOf } from './registry.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { ObjectStore } from './store.js';
import { generateTls } from './tls.js';
import type { KubeObject, ResourceType } from './types.js';
import { apiVersionOf, typeKey } from './types.js';
import type { WatchStream } from './watch.js';

export interface KubeApiServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** CRDs installed at start (apiextensions.k8s.io/v1 objects). */
  readonly crds?: readonly object[];
  readonly emulateFabricWebhooks?: boolean;
  /** With emulateFabricWebhooks: also refuse what the fabric's validating webhooks would (fabric-webhook-rules.ts). */
  readonly enforceFabricWebhookRules?: boolean;
  readonly bookmarkIntervalMs?: number;
  /** Events kept for watch resume and continue tokens; older RVs get 410 Expired. */
  readonly historyLimit?: number;
  /** Requests without a token: system:anonymous (403) when true, 401 when false. */
  readonly anonymousAuth?: boolean;
  readonly token?: string;
  /** Store file: loaded at start when present, written by close(). */
  readonly snapshotFile?: string;
  /** Delay before the emulated garbage collector drops foregroundDeletion/orphan finalizers. */
  readonly gcDelayMs?: number;
  /** More tokens, each with a role: `'admin'`, `'read-only'`, `'none'` or verbs per resource. */
  readonly users?: readonly TokenUser[];
}

export interface FaultControls {
  setLatency(ms: number): void;
  failRequests(spec?: FailureSpec): void;
  /** Ends every open watch: cleanly (default) or by cutting the connection. */
  dropWatches(options?: { abrupt?: boolean }): void;
  expireToken(): void;
  rotateToken(): string;
  clear(): void;
}

export interface KubeApiServer {
  readonly url: string;
  readonly port: number;
  readonly caPem: string;
  readonly token: string;
  /** Authenticated, but every resource request is denied with 403. */
  readonly limitedToken: string;
  /** HTTP/2 sessions opened so far: kubectl negotiates h2, client-node stays on HTTP/1.1. */
  readonly http2Sessions: number;
  readonly faults: FaultControls;
  readonly hooks: AdmissionHooks;
  kubeconfigYaml(options?: { token?: string }): string;
  writeKubeconfig(path: string, options?: { token?: string }): Promise<void>;
  /** Forgets event history: watches and continue tokens from older RVs get 410. */
  compact(): void;
  readonly resourceVersion: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * A cluster rebuilt from nothing behind the same address: stops, forgets every object and the RV
   * history (the counter starts over, so clients' RVs are ahead of it), installs the namespace and
   * CRDs again and serves on the same port, CA and token.
   */
  restartEmpty(): Promise<void>;
  close(): Promise<void>;
}

const SYSTEM_WRITER = { manager: 'kube-apiserver', apiVersion: 'v1', now: nowTimestamp() };

function installObject(backend: Backend, type: ResourceType, object: KubeObject): void {
  const next = { ...object, apiVersion: apiVersionOf(type), kind: type.kind };
  const writer = { ...SYSTEM_WRITER, apiVersion: apiVersionOf(type) };
  persist(backend, { type, existing: undefined, next, writer, ownership: 'Update', dryRun: false });
}

async function restoreOrInstall(backend: Backend, options: KubeApiServerOptions): Promise<void> {
  const dump = options.snapshotFile ? await readSnapshot(options.snapshotFile) : undefined;
  if (dump) {
    backend.store.load(dump);
    for (const crd of backend.store.list(typeKey(CRDS))) backend.registry.add(resourceTypeOf(crd));
    return;
  }
  await install(backend, options);
}

/** What a new cluster holds: the "default" namespace and the CRDs. */
async function install(backend: Backend, options: KubeApiServerOptions): Promise<void> {
  installObject(backend, NAMESPACES, { metadata: { name: 'default' }, status: { phase: 'Active' } });
  for (const crd of options.crds ?? projectCrds()) installObject(backend, CRDS, crd as KubeObject);
  await Promise.resolve(); // let the CRD controller mark them Established
}

function faultControls(
  faults: FaultInjector,
  auth: Authenticator,
  endWatches: (abrupt: boolean) => void,
): FaultControls {
  return {
    setLatency: (ms) => faults.setLatency(ms),
    failRequests: (spec) => faults.failRequests(spec),
    dropWatches: ({ abrupt = false } = {}) => endWatches(abrupt),
    expireToken: () => auth.expire(),
    rotateToken: () => auth.rotate(),
    clear: () => faults.clear(),
  };
}

function newBackend(historyLimit: number): Backend {
  return {
    store: new ObjectStore({ historyLimit }),
    registry: new ResourceRegistry(),
    admission: new AdmissionHooks(),
  };
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const { host = '127.0.0.1', bookmarkIntervalMs = 60_000, historyLimit = 10_000 } = options;
  const backend = newBackend(historyLimit);
  const stopCrdController = startCrdController(backend);
  const gc = new GarbageCollector(backend.store, options.gcDelayMs);
  await restoreOrInstall(backend, options);
  if (options.emulateFabricWebhooks) registerFabricWebhooks(backend.admission);
  if (options.emulateFabricWebhooks && options.enforceFabricWebhookRules) registerFabricWebhookRules(backend);
  const auth = new Authenticator(options.anonymousAuth ?? false, options.token, options.users);
  const faults = new FaultInjector();
  const streams = new Set<WatchStream>();
  const serverAddress = () => `${host}:${listener.port}`;
  const handler = createHandler({
    backend,
    auth,
    faults,
    watch: { bookmarkIntervalMs, streams },
    serverAddress,
  });
  const tls = await generateTls();
  const listener = new HttpsListener(tls, handler, host, options.port ?? 0);
  await listener.start();
  const url = `https://${host}:${listener.port}`;
  const endWatches = (abrupt: boolean) => [...streams].forEach((s) => s.end(abrupt));
  const config = (o?: { token?: string }) => ({ url, caPem: tls.caPem, token: o?.token ?? auth.token });
  return {
    url,
    port: listener.port,
    caPem: tls.caPem,
    get token() {
      return auth.token;
    },
    limitedToken: auth.limitedToken,
    get http2Sessions() {
      return listener.http2Sessions;
    },
    hooks: backend.admission,
    faults: faultControls(faults, auth, endWatches),
    kubeconfigYaml: (o) => kubeconfigYaml(config(o)),
    writeKubeconfig: (path, o) => writeKubeconfig(path, config(o)),
    compact: () => backend.store.compact(),
    get resourceVersion() {
      return backend.store.currentRv;
    },
    stop: async () => {
      endWatches(true);
      await listener.stop();
    },
    start: () => listener.start(),
    restartEmpty: async () => {
      endWatches(true);
      await listener.stop();
      backend.store.clear();
      await install(backend, options);
      await listener.start();
    },
    close: async () => {
      endWatches(true);
      await listener.stop();
      gc.close();
      stopCrdController();
      if (options.snapshotFile) await writeSnapshot(options.snapshotFile, backend.store.dump());
    },
  };
}

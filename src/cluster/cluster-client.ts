/**
 * One fabric's Kubernetes API: connection test, server-side apply, paginated list and delete, each
 * call bounded by the cluster's concurrency limit, a timeout, retries of transient failures, and a
 * breaker that fails the calls together when the cluster itself cannot be reached.
 */
import {
  ApiextensionsV1Api,
  AuthorizationV1Api,
  CustomObjectsApi,
  PatchStrategy,
  VersionApi,
  setHeaderOptions,
  type ConfigurationOptions,
} from '@kubernetes/client-node';
import { formatRef, kindInfo, type KindInfo, type ObjectRef } from '../domain/kinds.js';
import type { Manifest } from '../domain/manifest.js';
import type { ApplyOptions, ChangeSetEntry, DeleteOptions } from './change-set.js';
import { describeFailure, toClusterError, type Target } from './cluster-error.js';
import { ConnectionBreaker } from './connection-breaker.js';
import {
  confirmMissing,
  connectionFailed,
  connectionSucceeded,
  missingPermissionsOf,
  type ConnectionResult,
  type MissingPermission,
} from './connection-test.js';
import { Limiter } from './limiter.js';
import { refOf } from './live-set.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { kubeConfigFor, type ClusterSettings } from './settings.js';
import { callScope, keepAliveAgent, requestScope } from './transport.js';

export const FIELD_MANAGER = 'fabric-sync';
export const DEFAULT_MAX_CONNECTION_FAILURES = 5;

export interface ClusterClientOptions {
  /** Requests in flight to this cluster at once. */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly pageSize?: number;
  /** Connection failures in a row (no HTTP reply) after which every pending call fails at once. */
  readonly maxConnectionFailures?: number;
  /** Told the duration and outcome ('ok' or the failure's HTTP code / reason) of every request attempt. */
  readonly onRequest?: (request: ClusterRequestSample) => void;
}

export interface ClusterRequestSample {
  readonly verb: 'discover' | 'list' | 'apply' | 'delete';
  readonly seconds: number;
  readonly outcome: string;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly signal?: AbortSignal;
}

type Call<T> = (options: ConfigurationOptions) => Promise<T>;

/** What server-side apply sends: identity, user metadata and spec; server-written fields never. */
function applyBody(m: Manifest, info: KindInfo, namespace: string): Manifest {
  const { name, labels, annotations } = m.metadata;
  return {
    apiVersion: `${info.group}/${info.version}`,
    kind: info.kind,
    metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(m.spec ? { spec: m.spec } : {}),
  };
}

export class ClusterClient {
  readonly namespace: string;
  private readonly objects: CustomObjectsApi;
  private readonly versions: VersionApi;
  private readonly crds: ApiextensionsV1Api;
  private readonly authorization: AuthorizationV1Api;
  private readonly limiter: Limiter;
  private readonly breaker: ConnectionBreaker;
  private readonly agent: ReturnType<typeof keepAliveAgent>;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly pageSize: number;
  private readonly onRequest: ClusterClientOptions['onRequest'];

  constructor(settings: ClusterSettings, options: ClusterClientOptions = {}) {
    const {
      concurrency = 16,
      timeoutMs = 30_000,
      retry = DEFAULT_RETRY,
      pageSize = 500,
      maxConnectionFailures = DEFAULT_MAX_CONNECTION_FAILURES,
    } = options;
    const kc = kubeConfigFor(settings);
    this.namespace = settings.namespace;
    this.objects = kc.makeApiClient(CustomObjectsApi);
    this.versions = kc.makeApiClient(VersionApi);
    this.crds = kc.makeApiClient(ApiextensionsV1Api);
    this.authorization = kc.makeApiClient(AuthorizationV1Api);
    this.limiter = new Limiter(concurrency);
    this.breaker = new ConnectionBreaker(settings.server, maxConnectionFailures, retry);
    this.agent = keepAliveAgent(settings, concurrency);
    this.timeoutMs = timeoutMs;
    this.retry = retry;
    this.pageSize = pageSize;
    this.onRequest = options.onRequest;
  }

  /** Version, served CRDs and the token's missing permissions; never throws, the result says what went wrong. */
  async testConnection(signal?: AbortSignal): Promise<ConnectionResult> {
    try {
      const version = await this.call('discover', 'version', (o) => this.versions.getCode(o), signal);
      const crds = await this.call(
        'discover',
        'list CRDs',
        (o) => this.crds.listCustomResourceDefinition({}, o),
        signal,
      );
      return connectionSucceeded(version.gitVersion, crds.items, await this.missingPermissions(signal));
    } catch (err) {
      return connectionFailed(describeFailure(err));
    }
  }

  /** One rules review of the fabric's namespace; access reviews only where it is incomplete. */
  private async missingPermissions(signal?: AbortSignal): Promise<MissingPermission[]> {
    const namespace = this.namespace;
    const review = await this.call(
      'discover',
      'review permissions',
      (o) => this.authorization.createSelfSubjectRulesReview({ body: { spec: { namespace } } }, o),
      signal,
    );
    const missing = missingPermissionsOf(review.status?.resourceRules ?? []);
    if (!review.status?.incomplete) return missing;
    return confirmMissing(missing, async (kind, verb) => {
      const resourceAttributes = { namespace, verb, group: kind.group, resource: kind.plural };
      const access = await this.call(
        'discover',
        'review permissions',
        (o) =>
          this.authorization.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes } } }, o),
        signal,
      );
      return access.status?.allowed === true;
    });
  }

  /** Server-side apply (field manager fabric-sync, force) of each object; one entry per object, in input order. */
  async apply(objects: readonly Manifest[], options: ApplyOptions = {}): Promise<ChangeSetEntry[]> {
    const scope = callScope(options.signal);
    try {
      return await Promise.all(objects.map((m) => this.applyOne(m, { ...options, signal: scope.signal })));
    } finally {
      scope.end();
    }
  }

  /** Every object of `kind` in the fabric's namespace, page by page (limit/continue). */
  async list(kind: string, { labelSelector, signal }: ListOptions = {}): Promise<Manifest[]> {
    const info = kindInfo(kind);
    const items: Manifest[] = [];
    let cont: string | undefined;
    do {
      const page = (await this.call(
        'list',
        `list ${kind}`,
        (o) =>
          this.objects.listNamespacedCustomObject(
            {
              ...this.gvr(info, this.namespace),
              limit: this.pageSize,
              ...(labelSelector ? { labelSelector } : {}),
              ...(cont ? { _continue: cont } : {}),
            },
            o,
          ),
        signal,
      )) as { items: Manifest[]; metadata?: { continue?: string } };
      items.push(...page.items.map((item) => ({ ...item, kind: info.kind })));
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  /** Deletes each object (background propagation); NotFound counts as deleted. */
  delete(
    refs: readonly ObjectRef[],
    { dryRun = false, signal: caller }: DeleteOptions = {},
  ): Promise<ChangeSetEntry[]> {
    const { signal, end } = callScope(caller);
    return Promise.all(
      refs.map(async (ref): Promise<ChangeSetEntry> => {
        try {
          await this.call(
            'delete',
            ref,
            (o) =>
              this.objects.deleteNamespacedCustomObject(
                {
                  ...this.gvr(kindInfo(ref.kind), ref.namespace),
                  name: ref.name,
                  propagationPolicy: 'Background',
                  ...(dryRun ? { dryRun: 'All' } : {}),
                },
                o,
              ),
            signal,
          );
          return { ref, action: 'DELETED' };
        } catch (err) {
          const error = toClusterError(err, ref);
          return error.failure.code === 404 ? { ref, action: 'DELETED' } : { ref, action: 'FAILED', error };
        }
      }),
    ).finally(end);
  }

  /** Frees the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private async applyOne(
    m: Manifest,
    { dryRun = false, knownVersions, signal }: ApplyOptions,
  ): Promise<ChangeSetEntry> {
    const ref = refOf(m);
    const info = kindInfo(m.kind);
    try {
      const reply = await this.call(
        'apply',
        ref,
        (o) =>
          this.objects.patchNamespacedCustomObjectWithHttpInfo(
            {
              ...this.gvr(info, ref.namespace),
              name: ref.name,
              body: applyBody(m, info, ref.namespace),
              fieldManager: FIELD_MANAGER,
              force: true,
              ...(dryRun ? { dryRun: 'All' } : {}),
            },
            setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply, o),
          ),
        signal,
      );
      const object = reply.data as Manifest;
      const known = knownVersions?.get(formatRef(ref));
      const action =
        reply.httpStatusCode === 201
          ? 'CREATED'
          : !dryRun && known !== undefined && known === object.metadata.resourceVersion
            ? 'UNCHANGED'
            : 'CONFIGURED';
      return { ref, action, object };
    } catch (err) {
      return { ref, action: 'FAILED', error: toClusterError(err, ref) };
    }
  }

  private gvr(info: KindInfo, namespace: string) {
    return { group: info.group, version: info.version, namespace, plural: info.plural };
  }

  private call<T>(
    verb: ClusterRequestSample['verb'],
    target: Target,
    call: Call<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const observe = this.onRequest;
    const attempt = async () => {
      const started = performance.now();
      const request = requestScope({ agent: this.agent, timeoutMs: this.timeoutMs, signal });
      try {
        const result = await call(request.options);
        observe?.({ verb, seconds: (performance.now() - started) / 1000, outcome: 'ok' });
        return result;
      } catch (err) {
        const error = toClusterError(err, target);
        const outcome = String(error.failure.code ?? error.failure.reason);
        observe?.({ verb, seconds: (performance.now() - started) / 1000, outcome });
        throw error;
      } finally {
        request.end();
      }
    };
    // An aborted apply leaves the queue at once instead of waiting for its thousands of queued calls.
    const episode = this.breaker.episode;
    return this.limiter.run(
      () => withRetry(() => this.breaker.attempt(episode, attempt, signal), this.retry, signal),
      signal,
    );
  }
}

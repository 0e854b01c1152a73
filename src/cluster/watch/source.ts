/**
 * Where one fabric's watches read from: paginated lists that keep the list's resourceVersion (the
 * ClusterClient's list drops it) and watch streams, over one agent built from the fabric's own settings.
 */
import type { Agent as HttpAgent } from 'node:http';
import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { kindInfo, type KindInfo } from '../../domain/kinds.js';
import type { Manifest } from '../../domain/manifest.js';
import { toClusterError } from '../cluster-error.js';
import type { Limiter } from '../limiter.js';
import { kubeConfigFor, type ClusterSettings } from '../settings.js';
import { keepAliveAgent, requestScope } from '../transport.js';
import { WatchExpiredError, openWatchStream } from './stream.js';
import { TlsContexts } from './tls-contexts.js';

/**
 * The longest a request holds a slot of `openings` (see `admit`): a handshake to a healthy cluster
 * takes milliseconds, and a cluster that never answers (a black-holed address) must cost the other
 * fabrics little: with 8 slots, 80 such fabrics retrying at the 30 s backoff ceiling fill them.
 */
const OPENING_SLOT_MS = 250;

export interface Snapshot {
  readonly objects: Manifest[];
  /** Watching from here sees every change after the list. */
  readonly resourceVersion: string;
}

export interface WatchSourceOptions {
  readonly pageSize?: number;
  /** Per list page. */
  readonly requestTimeoutMs?: number;
  /** A stream silent for this long is cut and reopened; must exceed the server's bookmark interval. */
  readonly idleTimeoutMs?: number;
  /** Streams are renewed about this often (times 1..2, so a fabric's kinds do not renew together). */
  readonly streamSeconds?: number;
  readonly random?: () => number;
  /** Shared by the watches of a replica so streams to clusters with one CA share a TLS context. */
  readonly tlsContexts?: TlsContexts;
  /**
   * Shared by the watches of a replica: how many requests may be waiting for the server at once
   * (a list page until it has arrived, a stream until its headers have: the connection and TLS
   * handshake are in there). A replica starting 100 fabrics' watches ran 1,600 TLS handshakes
   * together, and their scratch memory left the C heap 10–20 MB larger for good.
   */
  readonly openings?: Limiter;
}

export interface StreamHandlers {
  readonly onOpen: () => void;
  readonly onEvent: (type: string, object: Manifest) => void;
}

interface ListPage {
  items: Manifest[];
  metadata?: { continue?: string; resourceVersion?: string };
}

export class WatchSource {
  private readonly objects: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly listAgent: HttpAgent;
  /** Streams get their own agent, so long-lived watches never hold the sockets lists need. */
  private readonly streamAgent: HttpAgent;
  private readonly options: Required<Omit<WatchSourceOptions, 'tlsContexts' | 'openings'>>;
  private readonly openings: Limiter | undefined;

  constructor(
    private readonly settings: ClusterSettings,
    options: WatchSourceOptions = {},
  ) {
    const {
      pageSize = 500,
      requestTimeoutMs = 30_000,
      idleTimeoutMs = 90_000,
      streamSeconds = 300,
      random = Math.random,
    } = options;
    this.options = { pageSize, requestTimeoutMs, idleTimeoutMs, streamSeconds, random };
    const kubeConfig = kubeConfigFor(settings);
    this.objects = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    const contexts = options.tlsContexts ?? new TlsContexts(1);
    this.listAgent = keepAliveAgent(settings, 4, contexts);
    this.streamAgent = keepAliveAgent(settings, Infinity, contexts);
    this.openings = options.openings;
  }

  /** Every object of `kind` in the namespace, page by page, at the first page's resourceVersion. */
  async list(kind: string, signal: AbortSignal): Promise<Snapshot> {
    const info = kindInfo(kind);
    const objects: Manifest[] = [];
    let resourceVersion: string | undefined;
    let cont: string | undefined;
    do {
      const next = cont;
      const admitted = await this.admit(signal, () => {
        const page = this.listPage(info, next, signal);
        return { answered: page, result: { page } };
      });
      const page = await admitted.page;
      objects.push(...page.items.map((item) => ({ ...item, kind: info.kind })));
      resourceVersion ??= page.metadata?.resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    if (!resourceVersion) throw new Error(`list ${kind}: the server sent no resourceVersion`);
    return { objects, resourceVersion };
  }

  /**
   * The uid of the fabric's namespace: a new one means the namespace, or the whole cluster, was
   * rebuilt, whatever its resourceVersions say. Undefined when the token may not read it.
   */
  async identity(signal: AbortSignal): Promise<string | undefined> {
    const request = requestScope({ agent: this.listAgent, timeoutMs: this.options.requestTimeoutMs, signal });
    try {
      const namespace = await this.core.readNamespace({ name: this.settings.namespace }, request.options);
      return namespace.metadata?.uid;
    } catch (err) {
      if (err instanceof ApiException && (err.code === 403 || err.code === 404)) return undefined;
      throw toClusterError(err, `get namespace ${this.settings.namespace}`);
    } finally {
      request.end();
    }
  }

  /** One stream from `resourceVersion`, with bookmarks; see openWatchStream for how it ends. */
  async stream(
    kind: string,
    resourceVersion: string,
    handlers: StreamHandlers,
    signal: AbortSignal,
  ): Promise<void> {
    const { ended } = await this.admit(signal, () => {
      let answer = () => undefined as void;
      const response = new Promise<void>((resolve) => (answer = resolve));
      const ended = this.openStream(kind, resourceVersion, handlers, signal, answer);
      return { answered: Promise.race([response, ended]), result: { ended } };
    });
    return ended;
  }

  /**
   * Starts a request in a slot of `openings` (at once without them). The slot is given back when
   * the request is `answered`, or after OPENING_SLOT_MS at the latest: the gate only spreads a burst
   * out, and a cluster that never answers must not hold up the other fabrics' watches. `result`
   * holds the request's promises in an object, so that awaiting this does not wait for them. An abort
   * while waiting for a slot rejects at once (a stopping watch does not wait its turn).
   */
  private async admit<T extends object>(
    signal: AbortSignal,
    start: () => { answered: Promise<unknown>; result: T },
  ): Promise<T> {
    const release = await this.openings?.acquire(signal);
    const started = start();
    // `answered` only times the slot, and is always caught: its failure reaches the caller through `result`.
    const answered = started.answered.catch(() => undefined);
    if (release) {
      const late = setTimeout(release, OPENING_SLOT_MS);
      void answered.then(() => {
        clearTimeout(late);
        release();
      });
    }
    return started.result;
  }

  private openStream(
    kind: string,
    resourceVersion: string,
    handlers: StreamHandlers,
    signal: AbortSignal,
    onResponse?: () => void,
  ): Promise<void> {
    const { idleTimeoutMs, streamSeconds, random } = this.options;
    const url = new URL(`${this.settings.server.replace(/\/+$/, '')}${this.collectionPath(kindInfo(kind))}`);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('resourceVersion', resourceVersion);
    url.searchParams.set('allowWatchBookmarks', 'true');
    url.searchParams.set('timeoutSeconds', String(Math.round(streamSeconds * (1 + random()))));
    return openWatchStream({
      url,
      agent: this.streamAgent,
      token: this.settings.token,
      target: `watch ${kind}`,
      idleTimeoutMs,
      signal,
      ...handlers,
      ...(onResponse ? { onResponse } : {}),
    });
  }

  close(): void {
    this.listAgent.destroy();
    this.streamAgent.destroy();
  }

  private collectionPath(info: KindInfo): string {
    return `/apis/${info.group}/${info.version}/namespaces/${encodeURIComponent(this.settings.namespace)}/${info.plural}`;
  }

  private async listPage(info: KindInfo, cont: string | undefined, signal: AbortSignal): Promise<ListPage> {
    const { pageSize, requestTimeoutMs } = this.options;
    const request = requestScope({ agent: this.listAgent, timeoutMs: requestTimeoutMs, signal });
    try {
      return (await this.objects.listNamespacedCustomObject(
        {
          group: info.group,
          version: info.version,
          namespace: this.settings.namespace,
          plural: info.plural,
          limit: pageSize,
          ...(cont ? { _continue: cont } : {}),
        },
        request.options,
      )) as ListPage;
    } catch (err) {
      // An expired continue token is the same situation as an expired watch: start the list over.
      if (err instanceof ApiException && err.code === 410)
        throw new WatchExpiredError(`list ${info.kind}`, 'continue token expired');
      throw toClusterError(err, `list ${info.kind}`);
    } finally {
      request.end();
    }
  }
}

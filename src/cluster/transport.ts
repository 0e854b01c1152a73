/**
 * Per-request options for client-node calls: one keep-alive agent per cluster (client-node builds a
 * fresh agent, and so a fresh TLS handshake, for every call) and a timeout joined to the caller's signal.
 */
import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { nodeHttpLibrary } from './http-library.js';
import type { ClusterSettings } from './settings.js';
import type { TlsContexts } from './watch/tls-contexts.js';

/** With `contexts`, TLS connections share the context for the fabric's CA instead of building their own. */
export function keepAliveAgent(
  { server, caPem, insecureSkipTlsVerify }: ClusterSettings,
  maxSockets: number,
  contexts?: TlsContexts,
): HttpAgent | HttpsAgent {
  if (server.startsWith('http:')) return new HttpAgent({ keepAlive: true, maxSockets });
  return new HttpsAgent({
    keepAlive: true,
    maxSockets,
    ...(contexts ? { secureContext: contexts.forCa(caPem ?? null) } : caPem ? { ca: caPem } : {}),
    // Explicit either way, so NODE_TLS_REJECT_UNAUTHORIZED can never turn verification off.
    rejectUnauthorized: !insecureSkipTlsVerify,
  });
}

export interface RequestSettings {
  readonly agent: HttpAgent | HttpsAgent;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

function withAgent(agent: HttpAgent | HttpsAgent, signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setAgent(agent);
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append', httpApi: nodeHttpLibrary };
}

/**
 * Options for one request that the caller ends when it settles: its timer and its listener on the
 * caller's signal go at once. Thousands of short requests then leave no pending timers behind, and
 * cost less than a timeout signal combined with AbortSignal.any per request.
 */
export function requestScope({ agent, timeoutMs, signal }: RequestSettings): {
  options: ConfigurationOptions;
  end: () => void;
} {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The request timed out', 'TimeoutError')),
    timeoutMs,
  ).unref();
  const unfollow = follow(signal, controller);
  return {
    options: withAgent(agent, controller.signal),
    end: () => {
      clearTimeout(timer);
      unfollow();
    },
  };
}

/**
 * One signal for all requests and retry waits of one client call, following the caller's: they
 * are many (up to the concurrency limit at once), so the listener warning is lifted here only.
 */
export function callScope(signal: AbortSignal | undefined): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return { signal: controller.signal, end: follow(signal, controller) };
}

/** Aborts `controller` with the caller's reason when `signal` aborts (at once if it has); returns the unsubscribe. */
function follow(signal: AbortSignal | undefined, controller: AbortController): () => void {
  const abort = () => controller.abort(signal?.reason);
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort, { once: true });
  return () => signal?.removeEventListener('abort', abort);
}

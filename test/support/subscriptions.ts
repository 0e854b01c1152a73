/** A graphql-ws client for tests: collect a subscription's events until a condition holds. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export function wsClient(httpUrl: string, token: string | null, options: { lazy?: boolean } = {}): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: options.lazy ?? true,
    retryAttempts: 0,
  });
}

/**
 * Subscribes and resolves with every event received until `until` returns true for one (inclusive),
 * or rejects after `timeoutMs` with what arrived so far.
 */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  until: (event: T) => boolean,
  timeoutMs = 30_000,
): { events: T[]; done: Promise<T[]>; ready: Promise<void> } {
  const events: T[] = [];
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms with ${events.length} events: ${JSON.stringify(events).slice(0, 2000)}`,
        ),
      );
    }, timeoutMs);
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          markReady();
          if (result.errors) {
            clearTimeout(timer);
            dispose();
            return reject(new Error(JSON.stringify(result.errors)));
          }
          const event = result.data as T;
          events.push(event);
          if (until(event)) {
            clearTimeout(timer);
            dispose();
            resolve(events);
          }
        },
        error: (err) => {
          clearTimeout(timer);
          // A closed socket arrives as a CloseEvent: keep its code for tests of close reasons.
          const code = (err as { code?: number }).code;
          reject(
            err instanceof Error
              ? err
              : Object.assign(new Error(`subscription failed: ${JSON.stringify(err)} ${code ?? ''}`), {
                  code,
                }),
          );
        },
        complete: () => {
          clearTimeout(timer);
          resolve(events);
        },
      },
    );
  });
  return { events, done, ready };
}

/** Follows an operation over graphql-ws to its end and returns every status it published. */
export async function followOperation(
  httpUrl: string,
  token: string,
  operationId: string,
): Promise<string[]> {
  const client = wsClient(httpUrl, token);
  try {
    const events = await collect<{ operationProgress: { status: string } }>(
      client,
      `subscription($id: ID!) { operationProgress(operationId: $id) { status } }`,
      { id: operationId },
      (e) => !['RUNNING', 'QUEUED'].includes(e.operationProgress.status),
    ).done;
    return events.map((e) => e.operationProgress.status);
  } finally {
    await client.dispose();
  }
}

/**
 * client-node's HTTP layer (its `httpApi` option) on node:http(s) directly. The default goes
 * through node-fetch, which wraps every call in Request, Headers and stream objects and asks for
 * gzip; for thousands of small JSON calls that wrapping costs more CPU than the request itself.
 * Same wire behaviour otherwise: the method, URL, headers, body, agent and signal client-node set.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  ResponseContext,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';

/** Names this client in the API server's audit log (node-fetch sent its own name). */
const USER_AGENT = 'fabric-sync';

/** As fetch rejects an aborted call: a timeout keeps its TimeoutError, anything else is an AbortError. */
function abortError(reason: unknown): Error {
  if (reason instanceof Error && reason.name === 'TimeoutError') return reason;
  return Object.assign(new Error('The request was aborted'), { name: 'AbortError', cause: reason });
}

/** One value per header name, repeated values joined as fetch joins them. */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function exchange(context: RequestContext): Promise<ResponseContext> {
  return new Promise((resolve, reject) => {
    const signal = context.getSignal();
    if (signal?.aborted) return reject(abortError(signal.reason));
    const url = new URL(context.getUrl());
    const body = context.getBody();
    if (body !== undefined && typeof body !== 'string')
      return reject(new Error('only string request bodies are supported'));
    const headers = {
      'User-Agent': USER_AGENT,
      ...context.getHeaders(),
      ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    };
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const agent = context.getAgent();
    const onAbort = () => request.destroy(abortError(signal?.reason));
    const settle = () => signal?.removeEventListener('abort', onAbort);
    const fail = (err: Error) => {
      settle();
      reject(err);
    };
    const request = send(
      url,
      { method: context.getHttpMethod(), headers, ...(agent ? { agent } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          settle();
          const data = Buffer.concat(chunks);
          resolve(
            new ResponseContext(res.statusCode ?? 0, flatHeaders(res.headers), {
              text: () => Promise.resolve(data.toString('utf8')),
              binary: () => Promise.resolve(data),
            }),
          );
        });
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', fail);
    request.end(body);
  });
}

export const nodeHttpLibrary: HttpLibrary = wrapHttpLibrary({ send: exchange });

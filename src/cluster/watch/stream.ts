/**
 * One watch connection (kube-api-contract §5.1): a GET with `watch=true` whose body is one JSON event
 * per line. Written on node:http(s) rather than client-node's Watch so that the connection phase can
 * be aborted too and every received byte, not only every whole line, proves the stream alive.
 */
import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ApiException } from '@kubernetes/client-node';
import type { Manifest } from '../../domain/manifest.js';
import { ClusterError, toClusterError } from '../cluster-error.js';

/**
 * The server cannot resume from the watch's resourceVersion: it no longer has the history (410), or
 * it has not reached that version (504 `ResourceVersionTooLarge`: a cluster restarted empty or
 * restored from a backup, whose counter started over). Either way only a relist says where we stand.
 */
export class WatchExpiredError extends Error {
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(`${target}: Expired: ${message}`);
    this.name = 'WatchExpiredError';
  }
}

export interface StreamRequest {
  readonly url: URL;
  readonly agent: HttpAgent;
  readonly token?: string | undefined;
  /** Names the watch in errors, e.g. "watch VPC". */
  readonly target: string;
  /** No byte for this long (bookmarks included) means a dead stream. */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
  /**
   * The watch is established: a first event arrived, or `openGraceMs` passed after HTTP 200 without
   * the stream ending. A server answers a too-old version with 200 and an ERROR event at once, and
   * that must not count as a working watch, not even briefly.
   */
  readonly onOpen: () => void;
  readonly openGraceMs?: number;
  /** The server answered (any status): the connection and its TLS handshake are done. */
  readonly onResponse?: () => void;
  /** Every event line, BOOKMARK included, in order; throwing ends the stream with that error. */
  readonly onEvent: (type: string, object: Manifest) => void;
}

interface StatusObject {
  code?: number;
  message?: string;
  details?: { causes?: { reason?: string }[] };
}

const isTooLarge = (status: StatusObject) =>
  status.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge') ??
  /too large resource version/i.test(status.message ?? '');

const idleError = (target: string, ms: number) =>
  new ClusterError(target, {
    reason: 'Timeout',
    message: `the watch stream sent nothing for ${ms} ms`,
    causes: [],
    handling: 'retry',
    connection: 'UNREACHABLE',
  });

function statusError(target: string, code: number, body: unknown): Error {
  const status = (typeof body === 'object' && body !== null ? body : {}) as StatusObject;
  if (code === 410) return new WatchExpiredError(target, status.message ?? 'resource version too old');
  if (code === 504 && isTooLarge(status))
    return new WatchExpiredError(target, status.message ?? 'too large resource version');
  return toClusterError(new ApiException(code, status.message ?? `HTTP ${code}`, body, {}), target);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // a non-JSON error page: its text is the message
  }
}

/**
 * Resolves when the server ends the stream cleanly or `signal` aborts it; rejects with
 * WatchExpiredError (relist), or a ClusterError for everything else (reconnect with backoff).
 */
export function openWatchStream(req: StreamRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = new AbortController();
    let idle: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    let settled = false;
    let opened = false;
    const open = () => {
      clearTimeout(grace);
      if (opened || settled) return;
      opened = true;
      req.onOpen();
    };
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(grace);
      req.signal.removeEventListener('abort', onAbort);
      abort.abort();
      if (err && !req.signal.aborted) reject(err);
      else resolve();
    };
    const onAbort = () => settle();
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => settle(idleError(req.target, req.idleTimeoutMs)), req.idleTimeoutMs);
    };
    req.signal.addEventListener('abort', onAbort, { once: true });
    touch();
    const send = req.url.protocol === 'http:' ? httpRequest : httpsRequest;
    const outgoing = send(
      req.url,
      {
        agent: req.agent,
        headers: {
          Accept: 'application/json',
          ...(req.token ? { Authorization: `Bearer ${req.token}` } : {}),
        },
        signal: abort.signal,
      },
      (res) => {
        req.onResponse?.();
        if (res.statusCode === 200) follow(res);
        else refuse(res);
      },
    );
    outgoing.on('error', (err) => settle(toClusterError(err, req.target)));
    outgoing.end();

    function refuse(res: IncomingMessage) {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => settle(statusError(req.target, res.statusCode ?? 0, parseJson(body))));
    }

    function follow(res: IncomingMessage) {
      grace = setTimeout(open, req.openGraceMs ?? 200);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        touch();
        buffer += chunk;
        for (let end = buffer.indexOf('\n'); end >= 0 && !settled; end = buffer.indexOf('\n')) {
          const line = buffer.slice(0, end).trim();
          buffer = buffer.slice(end + 1);
          if (line) handleLine(line);
        }
      });
      res.on('end', () => settle());
      res.on('close', () => {
        if (!res.complete)
          settle(
            toClusterError(Object.assign(new Error('watch stream cut'), { code: 'ECONNRESET' }), req.target),
          );
      });
    }

    function handleLine(line: string) {
      const event = parseJson(line) as { type?: string; object?: Manifest & StatusObject };
      if (typeof event !== 'object' || !event.type || !event.object)
        return settle(new Error(`${req.target}: unreadable watch event: ${line.slice(0, 200)}`));
      if (event.type === 'ERROR')
        return settle(statusError(req.target, event.object.code ?? 500, event.object));
      open();
      try {
        req.onEvent(event.type, event.object);
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    }
  });
}

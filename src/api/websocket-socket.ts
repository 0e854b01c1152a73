/**
 * graphql-ws's protocol server on `ws` sockets: what graphql-ws/use/ws does, except that a failure
 * goes to the logger, redacted, instead of console.error with its stack, and the client is told only
 * "Internal server error" (4500).
 */
import { CloseCode, handleProtocols, type ServerOptions, makeServer } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Redactor } from '../security/redactor.js';

/** What graphql-ws hooks receive as `ctx.extra`: the socket and its upgrade request, and any state of theirs. */
export type SocketExtra<E> = { readonly socket: WebSocket; readonly request: IncomingMessage } & E;

export interface SocketServerOptions {
  readonly log: Logger;
  readonly redactor: Redactor;
  /** Interval of the server's pings; a socket silent for a whole interval after one is dropped. */
  readonly keepAliveMs: number;
}

export function serveGraphQLWs<P extends Record<string, unknown>, E extends Record<PropertyKey, unknown>>(
  wss: WebSocketServer,
  options: ServerOptions<P, SocketExtra<E>>,
  { log, redactor, keepAliveMs }: SocketServerOptions,
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  const failed = (socket: WebSocket, err: unknown, what: string) => {
    log.error({ err: redactor.redactDeep(err) }, `WebSocket ${what} failed`);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };
  wss.on('error', (err) => {
    log.error({ err: redactor.redactDeep(err) }, 'WebSocket server failed');
    for (const socket of wss.clients) socket.close(CloseCode.InternalServerError, 'Internal server error');
  });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('error', (err) => failed(socket, err, 'socket'));
    const keepAlive = keepPinging(socket, keepAliveMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((err: unknown) => failed(socket, err, 'message'));
          }),
      },
      { socket, request } as SocketExtra<E>,
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      closed(code, reason.toString('utf8')).catch((err: unknown) =>
        log.error({ err: redactor.redactDeep(err) }, 'WebSocket close failed'),
      );
    });
  });
  return {
    async dispose() {
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** Pings every interval; a socket that has not answered the previous ping by the next is dropped. */
function keepPinging(socket: WebSocket, intervalMs: number): NodeJS.Timeout {
  let answered = true;
  socket.on('pong', () => (answered = true));
  return setInterval(() => {
    if (!answered) return socket.terminate();
    answered = false;
    if (socket.readyState === socket.OPEN) socket.ping();
  }, intervalMs);
}

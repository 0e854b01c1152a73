/**
 * GraphQL over graphql-ws on the same port and path as queries. The token arrives in
 * `connection_init` as `{ authorization: "Bearer …" }`; a missing or bad one closes the socket 4403
 * (Forbidden: the protocol keeps 4401 for subscribing before the acknowledgement), as does one that
 * no longer authenticates when an operation starts (revoked, expired); a token's sockets past the cap
 * are closed 4429. Operations are admitted as over server-sent events (operation-admission.ts); a
 * refused one gets an `error` message and the socket stays open.
 */
import type { Server as HttpServer } from 'node:http';
import { CloseCode } from 'graphql-ws';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Authorizer } from '../security/authz.js';
import type { Redactor } from '../security/redactor.js';
import { PerToken, type OperationAdmission } from './operation-admission.js';
import type { ContextFactory } from './request-context.js';
import { serveGraphQLWs } from './websocket-socket.js';

export interface SubscriptionServerOptions {
  readonly server: HttpServer;
  readonly path: string;
  readonly contexts: ContextFactory;
  readonly admission: OperationAdmission;
  /** The same mapping HTTP errors get (errors.ts): codes, redaction, internal errors masked. */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Open sockets one token may hold on this replica. */
  readonly maxSocketsPerToken: number;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly keepAliveMs?: number;
}

/**
 * The close code for a socket over its token's cap: 4429, as HTTP's 429, which graphql-ws clients
 * (where it means too many `connection_init`s) treat as final instead of reconnecting in a loop.
 */
export const TOO_MANY_SOCKETS_CLOSE_CODE = CloseCode.TooManyInitialisationRequests;

type ConnectionExtra = {
  auth?: Authorizer;
  /** Whether this socket counts against its token's socket cap. */
  socketCounted?: boolean;
  /** What gives back each open operation's slot under its token's cap, by operation id. */
  releases?: Map<string, () => void>;
};

const unauthenticated = () =>
  new GraphQLError('the token was revoked or has expired', { extensions: { code: 'UNAUTHENTICATED' } });
const internal = () =>
  new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });

export function attachSubscriptionServer({
  server,
  path,
  contexts,
  admission,
  formatError,
  maxSocketsPerToken,
  log,
  redactor,
  keepAliveMs = 12_000,
}: SubscriptionServerOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const socketsPerToken = new PerToken(maxSocketsPerToken);
  const tokenOf = (extra: ConnectionExtra) => extra.auth?.principal?.tokenId ?? '';
  const authenticate = (ctx: { connectionParams?: Readonly<Record<string, unknown>> | undefined }) =>
    contexts.authenticate(ctx.connectionParams?.['authorization']);
  const release = (extra: ConnectionExtra, id: string) => {
    extra.releases?.get(id)?.();
    extra.releases?.delete(id);
  };
  const format = (errors: readonly GraphQLError[]) => errors.map((err) => formatError(err.toJSON(), err));

  const disposable = serveGraphQLWs<Record<string, unknown>, ConnectionExtra>(
    wss,
    {
      subscribe: admission.subscribe,
      onConnect: async (ctx) => {
        const auth = await authenticate(ctx);
        if (!auth) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'a valid API token is required');
          return false;
        }
        ctx.extra.auth = auth;
        if (!socketsPerToken.take(tokenOf(ctx.extra))) {
          ctx.extra.socket.close(
            TOO_MANY_SOCKETS_CLOSE_CODE,
            `too many connections: at most ${maxSocketsPerToken} per token`,
          );
          return false;
        }
        ctx.extra.socketCounted = true;
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        try {
          // Every operation, not only a subscription's events, stops working once the token does.
          const auth = await authenticate(ctx);
          if (!auth) {
            ctx.extra.socket.close(CloseCode.Forbidden, 'the token was revoked or has expired');
            return [unauthenticated()]; // ends the operation; the closing socket sends nothing more
          }
          const admitted = admission.admit(auth, payload, {
            closeConnection: (code, reason) => ctx.extra.socket.close(code, reason),
            // The token cache makes this a map lookup for most events.
            tokenStillValid: async () => (await authenticate(ctx)) !== null,
          });
          if (!admitted.admitted) return [...admitted.errors];
          (ctx.extra.releases ??= new Map()).set(id, admitted.release);
          return admitted.args;
        } catch (err) {
          // This operation fails, not the socket: the client's other operations go on.
          log.error({ err: redactor.redactDeep(err) }, 'admitting a WebSocket operation failed');
          return [internal()];
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onComplete: (ctx, id) => release(ctx.extra, id),
      onError: (ctx, id, _payload, errors) => {
        release(ctx.extra, id);
        return format(errors);
      },
      onClose: (ctx) => {
        ctx.extra.releases?.forEach((_release, id) => release(ctx.extra, id));
        if (ctx.extra.socketCounted) socketsPerToken.release(tokenOf(ctx.extra));
      },
    },
    { log, redactor, keepAliveMs },
  );
  return {
    close: async () => {
      await disposable.dispose();
    },
  };
}

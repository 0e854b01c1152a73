/**
 * GraphQL subscriptions over graphql-ws on the same port and path as queries. The token arrives in
 * `connection_init` as `{ authorization: "Bearer …" }`; a missing or bad one closes the socket 4401.
 */
import type { Server as HttpServer } from 'node:http';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Authorizer } from '../security/authz.js';
import { limitErrors, type QueryLimits } from './limits.js';
import type { ContextFactory } from './request-context.js';

export interface SubscriptionServerOptions {
  readonly server: HttpServer;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly limits: QueryLimits;
  /** Open subscriptions one token may hold across its connections on this replica. */
  readonly maxSubscriptionsPerToken?: number;
  readonly keepAliveMs?: number;
}

type ConnectionExtra = {
  auth?: Authorizer;
  /** Subscription ids of this connection counted against its token's cap. */
  counted?: Set<string>;
};

export function attachSubscriptionServer({
  server,
  path,
  schema,
  contexts,
  limits,
  maxSubscriptionsPerToken = 100,
  keepAliveMs = 12_000,
}: SubscriptionServerOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const openPerToken = new Map<string, number>();
  const tokenOf = (extra: ConnectionExtra) => extra.auth?.principal?.tokenId ?? '';
  const release = (extra: ConnectionExtra, id: string) => {
    if (!extra.counted?.delete(id)) return;
    const open = (openPerToken.get(tokenOf(extra)) ?? 1) - 1;
    if (open > 0) openPerToken.set(tokenOf(extra), open);
    else openPerToken.delete(tokenOf(extra));
  };

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      onConnect: async (ctx) => {
        const auth = await contexts.authenticate(ctx.connectionParams?.['authorization']);
        if (!auth) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          return false;
        }
        ctx.extra.auth = auth;
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const auth = ctx.extra.auth;
        if (!auth)
          return [new GraphQLError('not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const document = parse(payload.query);
        const errors = [
          ...validate(schema, document),
          ...limitErrors(schema, document, payload.variables ?? undefined, limits),
        ];
        if (errors.length > 0) return errors;
        const open = openPerToken.get(tokenOf(ctx.extra)) ?? 0;
        if (open >= maxSubscriptionsPerToken)
          return [
            new GraphQLError(`at most ${maxSubscriptionsPerToken} subscriptions per token`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        openPerToken.set(tokenOf(ctx.extra), open + 1);
        (ctx.extra.counted ??= new Set()).add(id);
        const contextValue = {
          ...contexts.create(auth),
          closeConnection: (code: number, reason: string) => ctx.extra.socket.close(code, reason),
        };
        return {
          schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue,
        };
      },
      onComplete: (ctx, id) => release(ctx.extra, id),
      onError: (ctx, id) => release(ctx.extra, id),
      onClose: (ctx) => ctx.extra.counted?.forEach((id) => release(ctx.extra, id)),
    },
    wss,
    keepAliveMs,
  );
  return {
    openSubscriptions: () => [...openPerToken.values()].reduce((a, b) => a + b, 0),
    close: async () => {
      await disposable.dispose();
      wss.close();
    },
  };
}

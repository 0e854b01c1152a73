/**
 * GraphQL subscriptions over graphql-ws on the same port and path as queries. The token arrives in
 * `connection_init` as `{ authorization: "Bearer …" }`; a missing or bad one closes the socket 4401.
 */
import type { Server as HttpServer } from 'node:http';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type { Authorizer } from '../security/authz.js';
import type { ApiContext } from './context.js';
import { limitErrors, type QueryLimits } from './limits.js';
import { SharedEvents, type Sharing } from './shared-execution.js';
import type { ContextFactory } from './request-context.js';

export interface SubscriptionServerOptions {
  readonly server: HttpServer;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly limits: QueryLimits;
  /** The same mapping HTTP errors get (errors.ts): codes, redaction, internal errors masked. */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Open subscriptions one token may hold across its connections on this replica. */
  readonly maxSubscriptionsPerToken?: number;
  readonly keepAliveMs?: number;
}

/**
 * A context whose entity manager and loaders are made on first use: a subscription's own context
 * mostly only authorizes its events, and one event's execution mostly reads the event alone, so
 * neither should pay for an entity manager fork and a set of loaders (about 12 KB each) up front.
 */
function lazyContext(
  contexts: ContextFactory,
  auth: Authorizer,
  sharedEvents: SharedEvents,
  connection: Pick<ApiContext, 'closeConnection' | 'tokenStillValid'> = {},
): ApiContext {
  let made: ApiContext | undefined;
  const full = () => (made ??= contexts.create(auth));
  return {
    auth,
    services: contexts.services,
    sharedEvents,
    ...(contexts.mutated ? { mutated: contexts.mutated } : {}),
    get em() {
      return full().em;
    },
    get loaders() {
      return full().loaders;
    },
    ...connection,
  };
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
  formatError,
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

  const sharedEvents = new SharedEvents();
  const format = (errors: readonly GraphQLError[]) => errors.map((err) => formatError(err.toJSON(), err));
  /** Per subscription, by its context: how its events' executions are shared (shared-execution.ts). */
  const sharings = new WeakMap<object, Sharing>();
  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      subscribe: (args) => {
        const sharing = sharings.get(args.contextValue as object);
        if (!sharing) throw new Error('a subscription without its sharing key: onSubscribe sets it');
        return sharedEvents.subscribe(args, sharing);
      },
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
        const contextValue = lazyContext(contexts, auth, sharedEvents, {
          closeConnection: (code, reason) => ctx.extra.socket.close(code, reason),
          // The token cache makes this a map lookup for most events.
          tokenStillValid: async () =>
            (await contexts.authenticate(ctx.connectionParams?.['authorization'])) !== null,
        });
        sharings.set(contextValue, {
          key: JSON.stringify([
            auth.principal?.grants ?? [],
            payload.query,
            payload.variables ?? {},
            payload.operationName ?? null,
          ]),
          context: () => lazyContext(contexts, auth, sharedEvents),
        });
        return {
          schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onComplete: (ctx, id) => release(ctx.extra, id),
      onError: (ctx, id, _payload, errors) => {
        release(ctx.extra, id);
        return format(errors);
      },
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

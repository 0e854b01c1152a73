/**
 * GraphQL over graphql-ws on the same port and path as queries. The token arrives in
 * `connection_init` as `{ authorization: "Bearer …" }`; a missing or bad one closes the socket 4401,
 * one that no longer authenticates when an operation starts (revoked, expired) closes it 4403, and a
 * token's sockets past the cap are closed 4429.
 */
import type { Server as HttpServer } from 'node:http';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
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
  readonly introspection: boolean;
  /** The same mapping HTTP errors get (errors.ts): codes, redaction, internal errors masked. */
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Open subscriptions one token may hold across its connections on this replica. */
  readonly maxSubscriptionsPerToken?: number;
  /** Open sockets one token may hold on this replica. */
  readonly maxSocketsPerToken: number;
  readonly keepAliveMs?: number;
}

/**
 * The close code for a socket over its token's cap: 4429, as HTTP's 429, which graphql-ws clients
 * (where it means too many `connection_init`s) treat as final instead of reconnecting in a loop.
 */
export const TOO_MANY_SOCKETS_CLOSE_CODE = CloseCode.TooManyInitialisationRequests;

/** How many of something (sockets, subscriptions) each token holds, against a cap. */
class PerToken {
  private readonly held = new Map<string, number>();
  constructor(private readonly cap: number) {}

  /** Takes one for the token; false, taking nothing, when it already holds the cap. */
  take(token: string): boolean {
    const held = this.held.get(token) ?? 0;
    if (held >= this.cap) return false;
    this.held.set(token, held + 1);
    return true;
  }

  release(token: string): void {
    const held = (this.held.get(token) ?? 1) - 1;
    if (held > 0) this.held.set(token, held);
    else this.held.delete(token);
  }

  total(): number {
    return [...this.held.values()].reduce((a, b) => a + b, 0);
  }
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
  /** Whether this socket counts against its token's socket cap. */
  socketCounted?: boolean;
  /** Subscription ids of this connection counted against its token's cap. */
  counted?: Set<string>;
};

const unauthenticated = () =>
  new GraphQLError('the token was revoked or has expired', { extensions: { code: 'UNAUTHENTICATED' } });

export function attachSubscriptionServer({
  server,
  path,
  schema,
  contexts,
  limits,
  introspection,
  formatError,
  maxSubscriptionsPerToken = 100,
  maxSocketsPerToken,
  keepAliveMs = 12_000,
}: SubscriptionServerOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  const subscriptionsPerToken = new PerToken(maxSubscriptionsPerToken);
  const socketsPerToken = new PerToken(maxSocketsPerToken);
  const tokenOf = (extra: ConnectionExtra) => extra.auth?.principal?.tokenId ?? '';
  const authenticate = (ctx: { connectionParams?: Readonly<Record<string, unknown>> | undefined }) =>
    contexts.authenticate(ctx.connectionParams?.['authorization']);
  const release = (extra: ConnectionExtra, id: string) => {
    if (extra.counted?.delete(id)) subscriptionsPerToken.release(tokenOf(extra));
  };
  // Apollo adds the same rule over HTTP when introspection is off.
  const rules = introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];

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
        const auth = await authenticate(ctx);
        if (!auth) {
          ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
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
        // Every operation, not only a subscription's events, stops working once the token does.
        const auth = await authenticate(ctx);
        if (!auth) {
          ctx.extra.socket.close(CloseCode.Forbidden, 'the token was revoked or has expired');
          return [unauthenticated()]; // ends the operation; the closing socket sends nothing more
        }
        const document = parse(payload.query);
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return invalid;
        const overLimits = limitErrors(schema, document, payload.variables ?? undefined, limits);
        if (overLimits.length > 0) return overLimits;
        if (!subscriptionsPerToken.take(tokenOf(ctx.extra)))
          return [
            new GraphQLError(`at most ${maxSubscriptionsPerToken} subscriptions per token`, {
              extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
            }),
          ];
        (ctx.extra.counted ??= new Set()).add(id);
        const contextValue = lazyContext(contexts, auth, sharedEvents, {
          closeConnection: (code, reason) => ctx.extra.socket.close(code, reason),
          // The token cache makes this a map lookup for most events.
          tokenStillValid: async () => (await authenticate(ctx)) !== null,
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
      onClose: (ctx) => {
        ctx.extra.counted?.forEach((id) => release(ctx.extra, id));
        if (ctx.extra.socketCounted) socketsPerToken.release(tokenOf(ctx.extra));
      },
    },
    wss,
    keepAliveMs,
  );
  return {
    openSubscriptions: () => subscriptionsPerToken.total(),
    close: async () => {
      await disposable.dispose();
      wss.close();
    },
  };
}

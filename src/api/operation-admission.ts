/**
 * What every streaming transport (graphql-ws on /graphql, graphql-sse on /graphql/stream) does
 * before an operation runs, so that both admit and refuse the same operations with the same errors:
 * parse, validate (without introspection when it is off), resolve the operation and its variables,
 * the abuse limits, and the per-token cap on open operations, counted across both transports. An
 * admitted operation gets a context that re-checks its token and authorizes every event, and its
 * events are executed once for all equal subscribers (shared-execution.ts).
 */
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import type { Authorizer } from '../security/authz.js';
import type { ApiContext } from './context.js';
import { REQUEST_ERROR_CODES, withCode } from './errors.js';
import { limitErrors, type QueryLimits } from './limits.js';
import type { ContextFactory } from './request-context.js';
import { SharedEvents, type Sharing } from './shared-execution.js';
import type { DocumentRequest, TrustedDocuments } from './trusted-documents.js';

/** `query` may be empty when the request names a trusted document instead. */
export interface OperationRequest extends DocumentRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  readonly operationName?: string | null | undefined;
}

/** What the transport carrying an operation lets its resolvers do. */
export type Connection = Required<Pick<ApiContext, 'closeConnection' | 'tokenStillValid'>>;

export type Admission =
  | { readonly admitted: false; readonly errors: readonly GraphQLError[] }
  | {
      readonly admitted: true;
      readonly args: ExecutionArgs;
      readonly operation: OperationTypeNode;
      /** Gives back the operation's slot under its token's cap; once is enough, more do nothing. */
      readonly release: () => void;
    };

export interface OperationAdmissionOptions {
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly limits: QueryLimits;
  readonly introspection: boolean;
  readonly trustedDocuments: TrustedDocuments;
  /** Open operations one token may hold on this replica, over every streaming transport. */
  readonly maxSubscriptionsPerToken?: number;
}

/** How many of something (sockets, subscriptions) each token holds, against a cap. */
export class PerToken {
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

export class OperationAdmission {
  private readonly schema: GraphQLSchema;
  private readonly contexts: ContextFactory;
  private readonly limits: QueryLimits;
  private readonly trustedDocuments: TrustedDocuments;
  private readonly cap: number;
  private readonly perToken: PerToken;
  // Apollo adds the same rule over HTTP when introspection is off.
  private readonly rules;
  private readonly sharedEvents = new SharedEvents();
  /** Per admitted operation, by its context: how its events' executions are shared. */
  private readonly sharings = new WeakMap<object, Sharing>();

  constructor({
    schema,
    contexts,
    limits,
    introspection,
    trustedDocuments,
    maxSubscriptionsPerToken = 100,
  }: OperationAdmissionOptions) {
    this.schema = schema;
    this.contexts = contexts;
    this.limits = limits;
    this.trustedDocuments = trustedDocuments;
    this.cap = maxSubscriptionsPerToken;
    this.perToken = new PerToken(maxSubscriptionsPerToken);
    this.rules = introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  }

  /** Operations open on this replica, over every transport. */
  open(): number {
    return this.perToken.total();
  }

  /** The request's errors, or what to execute it with; `auth` was checked for this operation. */
  admit(auth: Authorizer, request: OperationRequest, connection: Connection): Admission {
    const refused = (...errors: readonly GraphQLError[]): Admission => ({ admitted: false, errors });
    const resolved = this.trustedDocuments.resolve(request);
    if ('error' in resolved) return refused(resolved.error);
    const { query } = resolved;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      if (err instanceof GraphQLError) return refused(withCode(err, REQUEST_ERROR_CODES.parse));
      throw err;
    }
    const invalid = validate(this.schema, document, this.rules);
    if (invalid.length > 0)
      return refused(...invalid.map((e) => withCode(e, REQUEST_ERROR_CODES.validation)));
    const operation = getOperationAST(document, request.operationName);
    if (!operation)
      return refused(
        new GraphQLError('no operation, or more than one, matches the operation name', {
          extensions: { code: REQUEST_ERROR_CODES.operation },
        }),
      );
    const variables = getVariableValues(
      this.schema,
      operation.variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (variables.errors)
      return refused(...variables.errors.map((e) => withCode(e, REQUEST_ERROR_CODES.variables)));
    const overLimits = limitErrors(this.schema, document, request.variables ?? undefined, this.limits);
    if (overLimits.length > 0) return refused(...overLimits);

    const token = auth.principal?.tokenId ?? '';
    if (!this.perToken.take(token))
      return refused(
        new GraphQLError(`at most ${this.cap} subscriptions per token`, {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
        }),
      );
    let held = true;
    const release = () => {
      if (held) this.perToken.release(token);
      held = false;
    };
    const contextValue = this.lazyContext(auth, connection);
    this.sharings.set(contextValue, {
      key: JSON.stringify([
        auth.principal?.grants ?? [],
        query,
        request.variables ?? {},
        request.operationName ?? null,
      ]),
      context: () => this.lazyContext(auth),
    });
    const args: ExecutionArgs = {
      schema: this.schema,
      document,
      variableValues: request.variables ?? {},
      operationName: request.operationName ?? null,
      contextValue,
    };
    return { admitted: true, args, operation: operation.operation, release };
  }

  /** graphql's `subscribe` for an admitted operation, its events' executions shared. */
  readonly subscribe = (
    args: ExecutionArgs,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const sharing = this.sharings.get(args.contextValue as object);
    if (!sharing) throw new Error('a subscription that was not admitted: admit() sets its sharing');
    return this.sharedEvents.subscribe(args, sharing);
  };

  /**
   * A context whose entity manager and loaders are made on first use: a subscription's own context
   * mostly only authorizes its events, and one event's execution mostly reads the event alone, so
   * neither should pay for an entity manager fork and a set of loaders (about 12 KB each) up front.
   */
  private lazyContext(auth: Authorizer, connection: Partial<Connection> = {}): ApiContext {
    const { contexts } = this;
    let made: ApiContext | undefined;
    const full = () => (made ??= contexts.create(auth));
    return {
      auth,
      services: contexts.services,
      sharedEvents: this.sharedEvents,
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
}

/**
 * Apollo Server behind Node's own HTTP server (Apollo 5's integration API): authentication first,
 * then Apollo's parsing, CSRF prevention, validation, limits and execution.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { GraphQLError, OperationTypeNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Authorizer } from '../security/authz.js';
import type { Redactor } from '../security/redactor.js';
import type { ApiContext } from './context.js';
import { makeFormatError } from './errors.js';
import { limitErrors, type QueryLimits } from './limits.js';
import type { ContextFactory } from './request-context.js';
import { readBody, sendGraphQLError } from './http-io.js';
import {
  isCacheableQuery,
  outcomePlugin,
  type CachedResponse,
  type RequestOutcome,
  type ResponseCache,
} from './response-cache.js';
import type { DocumentRequest, TrustedDocuments } from './trusted-documents.js';

export interface GraphQLHttpOptions {
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly limits: QueryLimits;
  readonly introspection: boolean;
  /** graphql-js's "Did you mean …?" in error messages; off in production. */
  readonly fieldSuggestions: boolean;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly trustedDocuments: TrustedDocuments;
  readonly maxBodyBytes?: number;
  /** Absent: every request executes. */
  readonly responseCache?: ResponseCache | undefined;
}

export async function createGraphQLHandler({
  schema,
  contexts,
  limits,
  introspection,
  fieldSuggestions,
  log,
  redactor,
  trustedDocuments,
  maxBodyBytes = 1024 * 1024,
  responseCache,
}: GraphQLHttpOptions) {
  const apollo = new ApolloServer<ApiContext>({
    schema,
    introspection,
    csrfPrevention: true,
    // main.ts owns shutdown: Apollo's own handler would re-raise SIGTERM and kill the process mid-close.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: makeFormatError(log, redactor, { fieldSuggestions }),
    plugins: [
      outcomePlugin,
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ request, document, operation }) {
              if (operation?.operation === OperationTypeNode.SUBSCRIPTION)
                throw new GraphQLError(
                  'subscriptions run over WebSocket (graphql-ws) on this path, or server-sent events on /graphql/stream',
                  {
                    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
                  },
                );
              const [overLimit] = limitErrors(schema, document, request.variables, limits);
              // Apollo answers 500 for an error thrown here unless told otherwise: this one is the client's.
              if (overLimit)
                throw new GraphQLError(overLimit.message, {
                  extensions: { ...overLimit.extensions, http: { status: 400 } },
                });
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const auth = await contexts.authenticate(req.headers.authorization);
    if (!auth)
      return sendGraphQLError(
        req,
        res,
        401,
        'UNAUTHENTICATED',
        'a valid API token is required (Authorization: Bearer …)',
        {
          'www-authenticate': 'Bearer',
        },
      );
    const body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : undefined;
    if (body === null)
      // The rest of the body is not read: close the connection rather than let a client reuse it mid-upload.
      return sendGraphQLError(
        req,
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `request body exceeds ${maxBodyBytes} bytes`,
        {
          connection: 'close',
        },
      );
    const tokenId = auth.principal?.tokenId;
    const cacheKey = body && tokenId ? responseCache?.keyOf(tokenId, req.headers, body) : undefined;
    const cached = cacheKey === undefined ? undefined : responseCache?.get(cacheKey);
    if (cached) return send(res, cached);
    return execute(req, res, url, auth, body, cacheKey);
  }

  /** Apollo's full path; a clean query's answer is kept when `cacheKey` is set. */
  async function execute(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    auth: Authorizer,
    body: Buffer | undefined,
    cacheKey: string | undefined,
  ): Promise<void> {
    let parsed: unknown;
    try {
      parsed = body && body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      return sendGraphQLError(req, res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
    }
    const search = new URLSearchParams(url.search);
    const fields: DocumentRequest =
      req.method === 'GET' ? fromSearch(search) : typeof parsed === 'object' && parsed ? parsed : {};
    const resolved = trustedDocuments.resolve(fields);
    if ('error' in resolved) {
      const { message, extensions } = resolved.error;
      return sendGraphQLError(req, res, 400, String(extensions['code']), message);
    }
    if (resolved.query !== fields.query) {
      // Named by id: Apollo gets the text, and none of the naming it would try to resolve itself.
      if (req.method === 'GET') withDocument(search, resolved.query);
      else parsed = withoutNaming({ ...(parsed as object), query: resolved.query });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    const ticket = responseCache?.ticket() ?? 0;
    const outcome: RequestOutcome = {};
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method ?? 'GET',
        headers,
        search: search.size > 0 ? `?${search}` : '',
        body: parsed,
      },
      context: async () => ({ ...contexts.create(auth), outcome }),
    });
    const status = response.status ?? 200;
    if (response.body.kind === 'complete') {
      const complete = { status, headers: [...response.headers], body: response.body.string };
      if (cacheKey !== undefined && status === 200 && isCacheableQuery(outcome))
        responseCache?.set(cacheKey, ticket, complete);
      return send(res, complete);
    }
    writeHead(res, status, response.headers);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return { handle, stop: () => apollo.stop() };
}

/** A GET request's fields, as graphql-http reads them from its query string. */
function fromSearch(search: URLSearchParams): DocumentRequest {
  const raw = search.get('extensions');
  let extensions: unknown;
  try {
    extensions = raw === null ? undefined : JSON.parse(raw);
  } catch {
    extensions = undefined; // Apollo answers that one
  }
  return { query: search.get('query') ?? undefined, documentId: search.get('documentId'), extensions };
}

function withDocument(search: URLSearchParams, query: string): void {
  const named = withoutNaming({ ...fromSearch(search), query });
  search.set('query', query);
  search.delete('documentId');
  if (named.extensions !== undefined) search.set('extensions', JSON.stringify(named.extensions));
}

/** The request without `documentId` and Apollo's persisted-query extension. */
function withoutNaming<T extends DocumentRequest>({ documentId: _, ...request }: T): Omit<T, 'documentId'> {
  const { extensions } = request;
  if (typeof extensions !== 'object' || extensions === null) return request;
  const { persistedQuery: __, ...rest } = extensions as Record<string, unknown>;
  return { ...request, extensions: rest };
}

function writeHead(res: ServerResponse, status: number, headers: Iterable<readonly [string, string]>): void {
  res.statusCode = status;
  for (const [key, value] of headers) res.setHeader(key, value);
}

function send(res: ServerResponse, { status, headers, body }: CachedResponse): void {
  writeHead(res, status, headers);
  res.end(body);
}

/**
 * GraphQL over server-sent events (graphql-sse, distinct connections: one operation per request) at
 * /graphql/stream, for clients where WebSockets are blocked. The same as over graphql-ws: the token
 * in `Authorization: Bearer …` (401 without a valid one), operations admitted alike and under the
 * same per-token cap (operation-admission.ts), `after` to resume, every event authorized; a token
 * that stops authenticating ends the stream with an UNAUTHENTICATED error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  GraphQLError,
  OperationTypeNode,
  execute,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { createHandler, type Response as SseResponse } from 'graphql-sse';
import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import type { Authorizer } from '../security/authz.js';
import type { Redactor } from '../security/redactor.js';
import { readBody, sendGraphQLError } from './http-io.js';
import type { OperationAdmission } from './operation-admission.js';
import type { ContextFactory } from './request-context.js';
import { SLOW_CONSUMER_CLOSE_CODE } from './resolvers/subscription.js';

export const GRAPHQL_STREAM_PATH = '/graphql/stream';

export interface SseOptions {
  readonly contexts: ContextFactory;
  readonly admission: OperationAdmission;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly maxBodyBytes?: number;
}

/** What one request carries from authentication to completion. */
interface StreamRequest {
  readonly auth: Authorizer;
  release?: () => void;
  /** Why the operation's resolvers ended the stream (the close code they would give a socket). */
  ended?: { code: number; reason: string };
}

const NOT_ALLOWED = {
  status: 405,
  statusText: 'Method Not Allowed',
  headers: { allow: 'POST', 'content-type': 'application/json; charset=utf-8' },
};

/** The error a stream ends with where a socket would have been closed with `code`. */
const ENDED_CODES: Record<number, string> = {
  [CloseCode.Forbidden]: 'UNAUTHENTICATED',
  [SLOW_CONSUMER_CLOSE_CODE]: 'SLOW_CONSUMER',
};

export function createSseHandler({
  contexts,
  admission,
  formatError,
  log,
  redactor,
  maxBodyBytes = 1024 * 1024,
}: SseOptions) {
  const format = (errors: readonly GraphQLError[]) => errors.map((err) => formatError(err.toJSON(), err));
  const handler = createHandler<IncomingMessage, StreamRequest>({
    // Null: distinct connections only. graphql-sse's single-connection mode reserves streams by a
    // token of its own, which would need its own authentication and cap.
    authenticate: () => null,
    // Runs the operation itself: graphql-sse's own path would parse and validate it again.
    onSubscribe: async (req, params) => {
      const { context } = req;
      const authorization = req.raw.headers.authorization;
      const admitted = admission.admit(context.auth, params, {
        closeConnection: (code, reason) => (context.ended = { code, reason }),
        tokenStillValid: async () => (await contexts.authenticate(authorization)) !== null,
      });
      if (!admitted.admitted) return single({ errors: [...admitted.errors] });
      if (admitted.operation === OperationTypeNode.MUTATION && req.method === 'GET') {
        admitted.release();
        return [JSON.stringify({ errors: [{ message: 'mutations are sent with POST' }] }), NOT_ALLOWED];
      }
      context.release = admitted.release;
      if (admitted.operation !== OperationTypeNode.SUBSCRIPTION) return single(await execute(admitted.args));
      const result = await admission.subscribe(admitted.args);
      return Symbol.asyncIterator in result ? endingWithError(result, () => context.ended) : single(result);
    },
    // graphql-sse types a result's errors as GraphQLErrors, yet only serializes them: formatted ones do.
    onNext: (_ctx, _req, result) =>
      'errors' in result && result.errors
        ? { ...result, errors: format(result.errors) as unknown as GraphQLError[] }
        : undefined,
    onComplete: (_ctx, req) => req.context.release?.(),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = await contexts.authenticate(req.headers.authorization);
    if (!auth)
      return sendGraphQLError(req, res, 401, 'UNAUTHENTICATED', 'a valid API token is required', {
        'www-authenticate': 'Bearer',
      });
    const body = req.method === 'POST' ? await readBody(req, maxBodyBytes) : null;
    if (req.method === 'POST' && body === null)
      return sendGraphQLError(
        req,
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        `request body exceeds ${maxBodyBytes} bytes`,
        { connection: 'close' },
      );
    const context: StreamRequest = { auth };
    const [stream, init] = await handler({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { get: (key) => [req.headers[key] ?? []].flat().join(', ') || null },
      body: body?.toString('utf8') ?? null,
      raw: req,
      context,
    });
    return write(res, [stream, init]);
  }

  async function write(res: ServerResponse, [stream, init]: SseResponse): Promise<void> {
    res.writeHead(init.status, init.statusText, init.headers);
    if (!stream || typeof stream === 'string') return void res.end(stream);
    const stop = () => void stream.return(undefined);
    res.once('close', stop);
    try {
      for await (const chunk of stream) if (!res.write(chunk)) await waitForDrain(res);
    } catch (err) {
      log.error({ err: redactor.redactDeep(err) }, 'an event stream failed');
    } finally {
      res.off('close', stop);
      res.end();
    }
  }

  return { handle };
}

const waitForDrain = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    res.once('drain', resolve);
    res.once('close', resolve);
  });

/** One result as an event stream: one `next`, then `complete` (graphql-sse takes a bare result only with `data`). */
async function* single(result: ExecutionResult): AsyncGenerator<ExecutionResult> {
  yield result;
}

/**
 * A subscription's events, ending with one error event where a socket would have been closed (the
 * token stopped authenticating, the consumer fell behind) or an event failed, instead of cutting the
 * stream off. An object, not an async generator: graphql-sse calls `return()` when the client
 * leaves, and it must reach the source at once, even while that waits for its next event.
 */
function endingWithError(
  source: AsyncIterableIterator<ExecutionResult>,
  ended: () => { code: number; reason: string } | undefined,
): AsyncGenerator<ExecutionResult> {
  let finished = false;
  const last = (message: string, code: string): IteratorResult<ExecutionResult> => {
    finished = true;
    return { done: false, value: { errors: [new GraphQLError(message, { extensions: { code } })] } };
  };
  const iterator: AsyncGenerator<ExecutionResult> = {
    next: async () => {
      if (finished) return { done: true, value: undefined };
      try {
        const item = await source.next();
        const why = item.done ? ended() : undefined;
        return why ? last(why.reason, ENDED_CODES[why.code] ?? 'INTERNAL_SERVER_ERROR') : item;
      } catch (err) {
        if (err instanceof GraphQLError) {
          const { code } = err.extensions;
          return last(err.message, typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
        }
        throw err;
      }
    },
    return: async () => {
      finished = true;
      await source.return?.();
      return { done: true, value: undefined };
    },
    throw: async (err: unknown) => {
      await iterator.return(undefined);
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

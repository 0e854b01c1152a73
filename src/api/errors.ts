/**
 * Errors leave the API through this one function (style.md §4, example 13), over HTTP, WebSocket and
 * server-sent events alike: domain errors keep their code and message, GraphQL's own errors pass
 * (without graphql-js's "Did you mean …?" when field suggestions are off) with a code, anything else
 * becomes a logged, generic internal error. Every message is redacted first.
 */
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { GitError } from '../git/git-error.js';
import type { Redactor } from '../security/redactor.js';

/**
 * The codes Apollo gives a request's own errors over HTTP, for the transports that check requests
 * themselves (operation-admission.ts): a client reads the same code whichever way it came.
 */
export const REQUEST_ERROR_CODES = {
  parse: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  validation: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  operation: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  variables: ApolloServerErrorCode.BAD_USER_INPUT,
} as const;

/** `error` with `code` added, unless it has one. */
export function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions['code']) return error;
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

/** graphql-js's suggestions, which name fields, arguments, types and enum values nobody asked for. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export function makeFormatError(log: Logger, redactor: Redactor, { fieldSuggestions = true } = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const err = unwrapFailure(unwrapResolverError(error));
    if (err instanceof DomainError) {
      // Details a client can act on: the field to fix, every validation issue, the commit to rebase on.
      const { field, issues, currentCommit } = err.details;
      return {
        ...formatted,
        message: redactor.redact(err.message),
        extensions: {
          code: err.code,
          ...(field ? { field } : {}),
          ...(issues ? { issues: redactor.redactDeep(issues) } : {}),
          ...(currentCommit ? { currentCommit } : {}),
        },
      };
    }
    if (err instanceof GitError)
      return {
        ...formatted,
        message: redactor.redact(err.message),
        extensions: { code: 'UPSTREAM_ERROR', status: err.status },
      };
    if (err instanceof GraphQLError) {
      const message = fieldSuggestions ? formatted.message : formatted.message.replace(SUGGESTION, '');
      // Apollo codes whatever has no code of its own so over HTTP; the sockets get the same.
      const code = formatted.extensions?.['code'] ?? ApolloServerErrorCode.INTERNAL_SERVER_ERROR;
      return {
        ...formatted,
        message: redactor.redact(message),
        extensions: { ...formatted.extensions, code },
      };
    }
    log.error({ err: redactor.redactDeep(err) }, 'unexpected error in a resolver');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * The error under a GraphQLError that only wraps it: what graphql-ws makes of an error thrown by a
 * subscription's event stream, without the path that lets unwrapResolverError see through it.
 */
const unwrapFailure = (err: unknown): unknown =>
  err instanceof GraphQLError &&
  err.originalError &&
  !(err.originalError instanceof GraphQLError) &&
  !err.path &&
  err.extensions['code'] === undefined
    ? err.originalError
    : err;

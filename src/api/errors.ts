/**
 * Errors leave the API through this one function (style.md §4, example 13), over HTTP and WebSocket
 * alike: domain errors keep their code and message, GraphQL's own errors pass (without graphql-js's
 * "Did you mean …?" when field suggestions are off), anything else becomes a logged, generic internal
 * error. Every message is redacted first.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { GitError } from '../git/git-error.js';
import type { Redactor } from '../security/redactor.js';

/** graphql-js's suggestions, which name fields, arguments, types and enum values nobody asked for. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export function makeFormatError(log: Logger, redactor: Redactor, { fieldSuggestions = true } = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const err = unwrapResolverError(error);
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
      return { ...formatted, message: redactor.redact(message) };
    }
    log.error({ err: redactor.redactDeep(err) }, 'unexpected error in a resolver');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

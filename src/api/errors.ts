/**
 * Errors leave the API through this one function (style.md §4, example 13): domain errors keep their
 * code and message, GraphQL's own errors pass, anything else becomes a logged, generic internal error.
 * Every message is redacted first.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import type { Redactor } from '../security/redactor.js';

export function makeFormatError(log: Logger, redactor: Redactor) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const err = unwrapResolverError(error);
    if (err instanceof DomainError) {
      const { field } = err.details;
      return {
        ...formatted,
        message: redactor.redact(err.message),
        extensions: { code: err.code, ...(field ? { field } : {}) },
      };
    }
    if (err instanceof GraphQLError) return { ...formatted, message: redactor.redact(formatted.message) };
    log.error({ err: redactor.redactDeep(err) }, 'unexpected error in a resolver');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

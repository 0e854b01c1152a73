/**
 * Errors the API maps to `extensions.code` in one place (api/errors). Each names what failed;
 * `field` points at the input that caused it, so a client can highlight it.
 */
export type DomainErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  /** An operation that would change the fabric asked while an operator has it suspended. */
  | 'FABRIC_SUSPENDED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { readonly field?: string; readonly [key: string]: unknown } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export const badInput = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const notFound = (what: string, id: string) => new DomainError('NOT_FOUND', `${what} ${id} not found`);
export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError('CONFLICT', message, details);

/** An illegal state transition is a bug in fabric-sync, never a user error. */
export class IllegalTransitionError extends Error {
  constructor(axis: string, from: string, to: string) {
    super(`illegal ${axis} transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Kubernetes `Status` errors (contract §4): the HTTP code always equals `code`. */
import type { ResourceType } from './types.js';
import { qualifiedPlural } from './types.js';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const detailsOf = (t: ResourceType, name?: string): StatusDetails => ({
  ...(name !== undefined ? { name } : {}),
  group: t.group,
  kind: t.plural,
});

export const notFound = (t: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualifiedPlural(t)} "${name}" not found`, detailsOf(t, name));

export const alreadyExists = (t: ResourceType, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualifiedPlural(t)} "${name}" already exists`, detailsOf(t, name));

export const staleConflict = (t: ResourceType, name: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedPlural(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    detailsOf(t, name),
  );

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const internalError = (message: string) => new ApiError(500, '', message);

/** A write whose body names another object than its URL (PUT, PATCH and apply word it alike). */
export const nameMismatch = (inBody: string | undefined, onUrl: string | undefined) =>
  badRequest(`the name of the object (${inBody ?? ''}) does not match the name on the URL (${onUrl ?? ''})`);

export const namespaceNotFound = (namespace: string) =>
  new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: 'namespaces',
  });

export const methodNotAllowed = (verb: string, t: ResourceType) =>
  new ApiError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualifiedPlural(t)}"`,
    detailsOf(t),
  );

/** A 422 whose message lists every cause as the real server does. */
export function invalid(
  kindLabel: string,
  name: string,
  causes: StatusCause[],
  details: StatusDetails,
): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kindLabel} "${name}" is invalid: ${list}`, { ...details, causes });
}

/** 422 for a schema or metadata error on a CR: details.kind is the Kind, label "VPC.vpc.githedgehog.com". */
export const invalidObject = (t: ResourceType, name: string, causes: StatusCause[]) =>
  invalid(t.group ? `${t.kind}.${t.group}` : t.kind, name, causes, { name, group: t.group, kind: t.kind });

export const expired = (message: string) => new ApiError(410, 'Expired', message);

/** Go's plain-text not-found handler answers unknown paths: the writer sends text, not a Status. */
export const PLAIN_NOT_FOUND = 'PlainNotFound';
export const plainNotFound = () => new ApiError(404, PLAIN_NOT_FOUND, '404 page not found');

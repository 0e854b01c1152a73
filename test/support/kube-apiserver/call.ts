/** One API request as handlers see it, and the reply they return. */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, badRequest } from './status.js';
import type { KubeObject, ResourceType } from './types.js';

export interface ApiCall {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly warnings?: readonly string[];
}

export function decodeJson(call: ApiCall): unknown {
  try {
    return JSON.parse(call.body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/** The request's media type without parameters (`; charset=utf-8`). */
export const mediaTypeOf = (call: ApiCall, fallback: string): string =>
  (call.headers['content-type'] ?? fallback).split(';')[0]!.trim();

/** 415 for a body in a format the endpoint does not read. */
export const unsupportedMediaType = (accepted: readonly string[]) =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

export function decodeObject(call: ApiCall): KubeObject {
  if (mediaTypeOf(call, 'application/json') !== 'application/json')
    throw unsupportedMediaType(['application/json', 'application/yaml']);
  const value = decodeJson(call);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Object in request body is not a JSON object');
  }
  const object = value as KubeObject;
  return { ...object, metadata: { ...(object.metadata ?? {}) } };
}

/**
 * dryRun=All means "process fully, store nothing"; other values are rejected. A DELETE may also
 * carry it in its DeleteOptions body (`dryRun: ["All"]`, as kubectl sends it).
 */
export function isDryRun(query: URLSearchParams, fromBody: readonly string[] = []): boolean {
  const values = [...query.getAll('dryRun'), ...fromBody];
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  const causes = [
    {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${values[0]}": supported values: "All"`,
      field: 'dryRun',
    },
  ];
  throw new ApiError(422, 'Invalid', `Invalid dry run value: ${values.join(',')}`, { causes });
}

/** The fieldManager parameter, else the User-Agent up to the first "/" (as the real server does). */
export function managerOf(call: ApiCall): string {
  const explicit = call.query.get('fieldManager');
  if (explicit) return explicit;
  const agent = call.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0] ?? agent;
}

/** The shape of a Kubernetes object as fabric-sync reads it from Git and the cluster. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ManifestMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ManifestMetadata;
  spec?: JsonObject;
  status?: JsonObject;
  [key: string]: unknown;
}

/** The fabric accepts objects only in this namespace; an unset namespace means it (REFERENCE §1.2). */
export const FABRIC_NAMESPACE = 'default';

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A deep copy of JSON data, dropping what JSON cannot hold (undefined, functions). Plain loops:
 * normalization and schema pruning copy every object of a fabric.
 */
export function copyJson(value: unknown): JsonValue | undefined {
  if (value === null || typeof value !== 'object') {
    return value === undefined || typeof value === 'function' ? undefined : (value as JsonValue);
  }
  if (Array.isArray(value)) return value.map((v) => copyJson(v) ?? null);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const copied = copyJson((value as Record<string, unknown>)[key]);
    if (copied !== undefined) out[key] = copied;
  }
  return out;
}

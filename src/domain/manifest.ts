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

/** Shapes shared by the test kube-apiserver's parts. */
import type { StructuralSchema } from '../../../src/domain/structural-schema.js';

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { uid?: string; name?: string; kind?: string }[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** One served resource (a CRD's kind, or a built-in such as namespaces). */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly hasStatus: boolean;
  /** Schema used for pruning, defaulting and validation; absent for built-ins. */
  readonly schema?: StructuralSchema;
}

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);
/** "vpcs.vpc.githedgehog.com" (or "namespaces" for the core group), as real error messages print it. */
export const qualifiedPlural = (t: ResourceType) => (t.group ? `${t.plural}.${t.group}` : t.plural);
export const typeKey = (t: Pick<ResourceType, 'group' | 'plural'>) => `${t.group}/${t.plural}`;

export const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

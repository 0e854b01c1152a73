/**
 * The canonical form of an object (architecture §6, REFERENCE §4): what Git says and what the
 * cluster returns after its webhooks compare equal when they mean the same. `normalize` strips
 * server- and fabric-written data, applies the fabric webhook's defaults as an ordered list of
 * small rules, then drops empty values.
 */
import { groupBy } from './group-by.js';
import { copyJson, isJsonObject, type JsonObject, type Manifest } from './manifest.js';
import { dropEmpty } from './normalize/empty.js';
import { GO_ZERO_VALUE_RULES } from './normalize/go-zero-values.js';
import { canonicalMetadata, type CanonicalMetadata } from './normalize/metadata.js';
import { VPC_OTHER_RULES } from './normalize/vpc-other.js';
import { VPC_RULES } from './normalize/vpc.js';
import { WIRING_RULES } from './normalize/wiring.js';
import { specSchemaOf } from './schemas/index.js';

export interface Canonical {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: CanonicalMetadata;
  /** Absent when nothing is left after dropping empty values. */
  readonly spec?: JsonObject;
}

/** Every webhook default by kind, in the order the webhooks apply them; Go's serialisation last. */
const RULES_BY_KIND = groupBy(
  [...VPC_RULES, ...VPC_OTHER_RULES, ...WIRING_RULES, ...GO_ZERO_VALUE_RULES],
  (rule) => rule.kind,
);

/** Applies only the webhook defaults to a copy of `spec` (validation checks what the webhook would see). */
export function withWebhookDefaults(kind: string, spec: unknown): JsonObject {
  const draft = copyJson(spec);
  const working = isJsonObject(draft) ? draft : {};
  for (const rule of RULES_BY_KIND.get(kind) ?? []) rule.apply(working);
  return working;
}

/** Returns a new canonical object; `m` is never mutated. */
export function normalize(m: Manifest): Canonical {
  const spec = dropEmpty(withWebhookDefaults(m.kind, m.spec), specSchemaOf(m.kind));
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    metadata: canonicalMetadata(m.metadata),
    ...(isJsonObject(spec) ? { spec } : {}),
  };
}

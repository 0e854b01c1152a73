/**
 * The CRD schema steps of admission, done the way the API server does them: decoding prunes
 * unknown fields and applies schema defaults; validation runs after the mutating webhooks.
 * Unknown fields are ERRORS here, although the server silently drops them: a field Git keeps but
 * the cluster never stores is drift forever (REFERENCE §1.1).
 */
import type { Manifest } from '../manifest.js';
import { objectSchemaOf } from '../schemas/index.js';
import { applyDefaults, pruneUnknown, unknownFieldsOf, validateAgainst } from '../structural-schema.js';
import type { Finding } from './types.js';

export interface Decoded {
  /** The object as the API server would decode it (pruned, schema-defaulted). */
  readonly manifest: Manifest;
  /** Its unknown fields, each an error. */
  readonly findings: Finding[];
}

/** The request as decoded from Git: unknown fields reported, schema defaults applied. */
export function decodeAsWritten(m: Manifest): Decoded {
  const schema = objectSchemaOf(m.kind);
  if (!schema) return { manifest: m, findings: [] };
  // status is ignored entirely (REFERENCE §1.3): never stored from Git, so never worth an error.
  const { status: _ignored, ...withoutStatus } = m;
  // Listing unknown fields is enough: they are errors, so the pruned copy would never be used.
  const findings = unknownFieldsOf(withoutStatus, schema).map((field) => ({
    field,
    message: `unknown field ${field}: the ${m.kind} schema has no such field, so the API server would drop it`,
  }));
  return { manifest: applyDefaults(withoutStatus, schema) as Manifest, findings };
}

/** A webhook's output decoded again: what it adds beyond the schema is dropped silently. */
export function decodeAgain(m: Manifest): Manifest {
  const schema = objectSchemaOf(m.kind);
  return schema ? (applyDefaults(pruneUnknown(m, schema).value, schema) as Manifest) : m;
}

/** The CRD schema's verdict on the object the webhooks returned. */
export function schemaFindings(m: Manifest): Finding[] {
  const schema = objectSchemaOf(m.kind);
  if (!schema) return [];
  return validateAgainst(m, schema).map((v) => ({ field: v.field, message: `${v.field}: ${v.message}` }));
}

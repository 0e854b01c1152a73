/**
 * The CRD schema check, done the way the API server does it: prune unknown fields, apply schema
 * defaults, validate. Unknown fields are ERRORS here, although the server silently drops them:
 * a field Git keeps but the cluster never stores is drift forever (REFERENCE §1.1).
 */
import type { Manifest } from '../manifest.js';
import { objectSchemaOf } from '../schemas/index.js';
import { applyDefaults, unknownFieldsOf, validateAgainst } from '../structural-schema.js';
import type { Finding } from './types.js';

export interface Admitted {
  /** The object as the API server would store it (pruned, defaulted). */
  readonly manifest: Manifest;
  readonly findings: Finding[];
}

export function checkSchema(m: Manifest): Admitted {
  const schema = objectSchemaOf(m.kind);
  if (!schema) return { manifest: m, findings: [] };
  // status is ignored entirely (REFERENCE §1.3): never stored from Git, so never worth an error.
  const { status: _ignored, ...withoutStatus } = m;
  // Listing unknown fields is enough: they are errors, so the pruned copy would never be used.
  const unknownFields = unknownFieldsOf(withoutStatus, schema);
  const manifest = applyDefaults(withoutStatus, schema) as Manifest;
  const findings: Finding[] = [
    ...unknownFields.map((field) => ({
      field,
      message: `unknown field ${field}: the ${m.kind} schema has no such field, so the API server would drop it`,
    })),
    ...validateAgainst(manifest, schema).map((v) => ({
      field: v.field,
      message: `${v.field}: ${v.message}`,
    })),
  ];
  return { manifest, findings };
}

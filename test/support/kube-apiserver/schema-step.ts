/** Pruning, defaulting and schema validation of a whole object with its CRD's schema (contract §6). */
import {
  applyDefaults,
  pruneUnknown,
  unknownFieldsOf as schemaUnknownFields,
  validateAgainst,
} from '../../../src/domain/structural-schema.js';
import { badRequest } from './status.js';
import type { StatusCause } from './status.js';
import { pruneMetadata } from './object-rules.js';
import type { KubeObject, ResourceType } from './types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation') ?? 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation parameter unsupported: ${value}`);
}

/** Unknown field paths of an object (empty for types without a schema). */
export function unknownFieldsOf(t: ResourceType, o: KubeObject): string[] {
  return t.schema ? schemaUnknownFields(o, t.schema) : [];
}

/** Prunes unknown fields; Strict turns them into a 400, Warn into warnings. */
export function pruneForWrite(
  t: ResourceType,
  o: KubeObject,
  mode: FieldValidation,
): { object: KubeObject; warnings: string[] } {
  const unknown = unknownFieldsOf(t, o);
  if (unknown.length > 0 && mode === 'Strict') {
    throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  const warnings = mode === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [];
  return { object: normalizeShape(t, o), warnings };
}

/** Silent prune + metadata prune + defaults: what storage keeps. */
export function normalizeShape(t: ResourceType, o: KubeObject): KubeObject {
  const metaPruned = pruneMetadata(o);
  if (!t.schema) return metaPruned;
  return applyDefaults(pruneUnknown(metaPruned, t.schema).value, t.schema) as KubeObject;
}

export function schemaCauses(t: ResourceType, o: KubeObject): StatusCause[] {
  if (!t.schema) return [];
  return validateAgainst(o, t.schema).map((v) => ({ reason: v.reason, message: v.message, field: v.field }));
}

/**
 * A pure engine for the openAPIV3Schema subset the Hedgehog CRDs use: pruning of unknown fields,
 * defaulting and validation with the field paths, cause types and message bodies a real
 * kube-apiserver reports (../shared/docs/kube-api-contract.md §6). No I/O; inputs are never mutated.
 */
import { copyJson } from './manifest.js';

export interface StructuralSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, StructuralSchema>;
  items?: StructuralSchema;
  additionalProperties?: boolean | StructuralSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  default?: unknown;
  nullable?: boolean;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueInvalid'
  | 'FieldValueTooMany'
  | 'FieldValueTooLong';

export interface SchemaViolation {
  /** Kubernetes-style path: spec.subnets.default.gateway, spec.links[0].switch.port */
  readonly field: string;
  readonly reason: CauseType;
  /** The text after "<field>: " in a real server's message. */
  readonly message: string;
}

type Obj = Record<string, unknown>;

/** Root keys every Kubernetes object keeps whatever its schema says. */
const ROOT_KEPT = ['apiVersion', 'kind', 'metadata'];

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (path: string, key: string) => (path ? `${path}.${key}` : key);
const index = (path: string, i: number) => `${path}[${i}]`;

/** Patterns compiled once per schema string: validation runs them for every string of every object. */
const PATTERNS = new Map<string, RegExp>();
const compiled = (pattern: string): RegExp => {
  let re = PATTERNS.get(pattern);
  if (!re) PATTERNS.set(pattern, (re = new RegExp(pattern)));
  return re;
};

const keepsUnknown = (s: StructuralSchema) => s['x-kubernetes-preserve-unknown-fields'] === true;

/** Schema of a map value or named property under `s`, or undefined when the key is unknown. */
function propertySchema(s: StructuralSchema, key: string): StructuralSchema | undefined {
  const declared = s.properties?.[key];
  if (declared) return declared;
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

function keepsKey(s: StructuralSchema, key: string): boolean {
  return keepsUnknown(s) || s.additionalProperties === true || propertySchema(s, key) !== undefined;
}

/**
 * One walk for pruning and for merely listing unknown fields: with `build` false it allocates
 * nothing, which is what validation needs for every object of a 10,000-object fabric.
 */
function walkUnknown(
  v: unknown,
  s: StructuralSchema,
  path: string,
  root: boolean,
  unknownFields: string[],
  build: boolean,
): unknown {
  if (Array.isArray(v)) {
    if (!s.items) return build ? copyJson(v) : undefined;
    const items = s.items;
    const out = v.map((item, i) => walkUnknown(item, items, index(path, i), false, unknownFields, build));
    return build ? out : undefined;
  }
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [key, inner] of Object.entries(v)) {
    if (root && ROOT_KEPT.includes(key)) {
      if (build) out[key] = copyJson(inner);
    } else if (!keepsKey(s, key)) unknownFields.push(child(path, key));
    else {
      const innerSchema = propertySchema(s, key);
      const walked = innerSchema
        ? walkUnknown(inner, innerSchema, child(path, key), false, unknownFields, build)
        : build && copyJson(inner);
      if (build) out[key] = walked;
    }
  }
  return build ? out : undefined;
}

/**
 * Removes fields the schema does not declare, at every level, except under
 * x-kubernetes-preserve-unknown-fields or additionalProperties. At the root, apiVersion, kind and
 * metadata always stay. Returns a new value and the dotted paths of the removed fields.
 */
export function pruneUnknown(
  value: unknown,
  schema: StructuralSchema,
): { value: unknown; unknownFields: string[] } {
  const unknownFields: string[] = [];
  return { value: walkUnknown(value, schema, '', true, unknownFields, true), unknownFields };
}

/** The dotted paths pruneUnknown would remove, without building the pruned copy. */
export function unknownFieldsOf(value: unknown, schema: StructuralSchema): string[] {
  const unknownFields: string[] = [];
  walkUnknown(value, schema, '', true, unknownFields, false);
  return unknownFields;
}

/**
 * Applies `default`s where the parent object exists; a default also replaces `null`. A `null`
 * in a non-nullable field without default is dropped, as the real server does before defaulting.
 * Copy-on-write: subtrees where nothing changes are returned as they are (shared with the input),
 * so callers that go on to mutate the result must pass a copy they own.
 */
export function applyDefaults(value: unknown, schema: StructuralSchema): unknown {
  if (Array.isArray(value)) {
    if (!schema.items) return value;
    const items = schema.items;
    const out = value.map((item) => applyDefaults(item, items));
    return out.some((item, i) => item !== value[i]) ? out : value;
  }
  if (!isObject(value)) return value;
  let out: Obj | undefined;
  const set = (key: string, v: unknown) => ((out ??= { ...value })[key] = v);
  for (const [key, inner] of Object.entries(value)) {
    const s = propertySchema(schema, key);
    if (inner === null && s && !s.nullable) {
      if (s.default !== undefined) set(key, copyJson(s.default));
      else delete (out ??= { ...value })[key];
      continue;
    }
    if (!s) continue;
    const defaulted = applyDefaults(inner, s);
    if (defaulted !== inner) set(key, defaulted);
  }
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    if (s.default !== undefined && !(key in (out ?? value))) set(key, applyDefaults(copyJson(s.default), s));
  }
  return out ?? value;
}

/** Validates `value`; returns every violation (empty when valid), paths prefixed with rootPath. */
export function validateAgainst(value: unknown, schema: StructuralSchema, rootPath = ''): SchemaViolation[] {
  const found: SchemaViolation[] = [];
  validateNode(value, schema, rootPath, found);
  return found;
}

function validateNode(v: unknown, s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  if (v === null && s.nullable) return;
  if (s.type && !hasType(v, s.type)) {
    const actual = jsonType(v);
    const message = `Invalid value: "${actual}": ${path} in body must be of type ${s.type}: "${actual}"`;
    out.push({ field: path, reason: 'FieldValueTypeInvalid', message });
    return;
  }
  checkEnum(v, s, path, out);
  if (typeof v === 'string') checkString(v, s, path, out);
  else if (typeof v === 'number') checkNumber(v, s, path, out);
  else if (Array.isArray(v)) checkArray(v, s, path, out);
  else if (isObject(v)) checkObject(v, s, path, out);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(v: unknown, type: NonNullable<StructuralSchema['type']>): boolean {
  const actual = jsonType(v);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Go's %v rendering of a scalar in "Invalid value: X" texts. */
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

function invalid(path: string, v: unknown, detail: string): SchemaViolation {
  return {
    field: path,
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${show(v)}: ${path} in body ${detail}`,
  };
}

function checkEnum(v: unknown, s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  if (!s.enum || s.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(v))) return;
  const supported = s.enum.map(show).join(', ');
  out.push({
    field: path,
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${show(v)}: supported values: ${supported}`,
  });
}

function checkString(v: string, s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  if (s.maxLength !== undefined && v.length > s.maxLength) {
    out.push({
      field: path,
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${s.maxLength} bytes`,
    });
  }
  if (s.minLength !== undefined && v.length < s.minLength) {
    out.push(invalid(path, v, `should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined && !compiled(s.pattern).test(v)) {
    out.push(invalid(path, v, `should match '${s.pattern}'`));
  }
}

const INT_RANGES: Record<string, readonly [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function checkNumber(v: number, s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  const range = s.format ? INT_RANGES[s.format] : undefined;
  if (range && (v < range[0] || v > range[1])) {
    out.push(invalid(path, v, `must be of type ${s.format}: "${v}"`));
  }
  if (s.minimum !== undefined && v < s.minimum)
    out.push(invalid(path, v, `should be greater than or equal to ${s.minimum}`));
  if (s.maximum !== undefined && v > s.maximum)
    out.push(invalid(path, v, `should be less than or equal to ${s.maximum}`));
}

function checkArray(v: unknown[], s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) {
    out.push({
      field: path,
      reason: 'FieldValueTooMany',
      message: `Too many: ${v.length}: must have at most ${s.maxItems} items`,
    });
  }
  if (s.minItems !== undefined && v.length < s.minItems) {
    out.push(invalid(path, v.length, `should have at least ${s.minItems} items`));
  }
  if (s.items) v.forEach((item, i) => validateNode(item, s.items!, index(path, i), out));
}

function checkObject(v: Obj, s: StructuralSchema, path: string, out: SchemaViolation[]): void {
  for (const key of s.required ?? []) {
    if (v[key] === undefined)
      out.push({ field: child(path, key), reason: 'FieldValueRequired', message: 'Required value' });
  }
  for (const [key, inner] of Object.entries(v)) {
    const innerSchema = propertySchema(s, key);
    if (innerSchema) validateNode(inner, innerSchema, child(path, key), out);
  }
}

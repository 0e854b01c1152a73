/**
 * Small constructors for the project's structural schemas, so each kind's schema reads like its
 * field table in REFERENCE.md §2 instead of nested `type:` boilerplate.
 */
import type { StructuralSchema } from '../structural-schema.js';

type Extra = Omit<StructuralSchema, 'type' | 'properties' | 'items' | 'additionalProperties'>;

const withDescription = (description: string | undefined, extra: Extra): Extra =>
  description === undefined ? extra : { description, ...extra };

export const str = (description?: string, extra: Extra = {}): StructuralSchema => ({
  type: 'string',
  ...withDescription(description, extra),
});

export const int = (description?: string, extra: Extra = {}): StructuralSchema => ({
  type: 'integer',
  ...withDescription(description, extra),
});

export const int32 = (description?: string, extra: Extra = {}): StructuralSchema =>
  int(description, { format: 'int32', ...extra });

export const bool = (description?: string): StructuralSchema => ({
  type: 'boolean',
  ...withDescription(description, {}),
});

export const obj = (
  properties: Record<string, StructuralSchema>,
  description?: string,
  extra: Extra = {},
): StructuralSchema => ({ type: 'object', properties, ...withDescription(description, extra) });

export const list = (items: StructuralSchema, description?: string, extra: Extra = {}): StructuralSchema => ({
  type: 'array',
  items,
  ...withDescription(description, extra),
});

/** A map keyed by free-form names (subnet names, port names, MACs). */
export const mapOf = (values: StructuralSchema, description?: string): StructuralSchema => ({
  type: 'object',
  additionalProperties: values,
  ...withDescription(description, {}),
});

/** An object whose members are all pruned: SwitchGroup.spec and every kind's empty status (REFERENCE §1.3). */
export const emptyObject = (description?: string): StructuralSchema => ({
  type: 'object',
  ...withDescription(description, {}),
});

/** IPv4 address, dotted quad, each octet 0–255 without leading zeros. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4_PATTERN = `^${OCTET}(\\.${OCTET}){3}$`;
/** IPv4 prefix `a.b.c.d/len`, the form the CRDs enforce on link IPs (REFERENCE §2.8). */
export const IPV4_PREFIX_PATTERN = `^${OCTET}(\\.${OCTET}){3}/(3[0-2]|[12]?\\d)$`;

/** A port reference `<device>/<port>` (REFERENCE §2.8). */
export const portRef = (description = 'port as <device>/<port>'): StructuralSchema =>
  obj({ port: str(description) });

/** The whole-object schema the CRD carries: apiVersion, kind, metadata, spec, status. */
export function objectSchema(
  spec: StructuralSchema,
  { description, specRequired = false }: { description: string; specRequired?: boolean },
): StructuralSchema {
  return obj(
    {
      apiVersion: str('versioned schema of this object'),
      kind: str('REST resource this object represents'),
      metadata: { type: 'object' },
      spec,
      status: emptyObject('always empty: the fabric writes no status on this kind'),
    },
    description,
    specRequired ? { required: ['spec'] } : {},
  );
}

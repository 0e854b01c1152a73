import { describe, it, expect } from 'vitest';
import { applyDefaults, pruneUnknown, validateAgainst } from '../../src/domain/structural-schema.js';
import type { StructuralSchema } from '../../src/domain/structural-schema.js';

const IP = '^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)\\.?\\b){4}$';

const SWITCH: StructuralSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['role'],
      properties: {
        role: { type: 'string', enum: ['spine', 'server-leaf', 'border-leaf'] },
        asn: { type: 'integer', format: 'int32' },
        description: { type: 'string', maxLength: 10, minLength: 2 },
        groups: { type: 'array', items: { type: 'string' }, maxItems: 2, minItems: 1 },
        ip: { type: 'string', pattern: IP },
        note: { type: 'string', nullable: true },
        linkFlapErrDisable: {
          type: 'object',
          properties: {
            flapThreshold: { type: 'integer', default: 3, minimum: 1, maximum: 50 },
            recoveryInterval: { type: 'integer', default: 300 },
          },
        },
        subnets: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['subnet'],
            properties: { subnet: { type: 'string' }, gateway: { type: 'string', pattern: IP } },
          },
        },
        links: {
          type: 'array',
          items: { type: 'object', properties: { port: { type: 'string' } } },
        },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

describe('pruneUnknown', () => {
  it('removes undeclared fields at every level and reports their paths, leaving the input untouched', () => {
    const input = {
      apiVersion: 'v',
      kind: 'Switch',
      metadata: { name: 'a', anything: 1 },
      extra: 1,
      spec: {
        role: 'spine',
        bogus: true,
        subnets: { default: { subnet: '10.0.0.0/24', junk: 'x' } },
        links: [{ port: 'E1/1', nope: 2 }],
        free: { kept: { deep: 1 } },
        linkFlapErrDisable: { flapThreshold: 4, wrong: 1 },
      },
    };
    const before = structuredClone(input);
    const { value, unknownFields } = pruneUnknown(input, SWITCH);
    expect(input).toEqual(before);
    expect(unknownFields.sort()).toEqual(
      [
        'extra',
        'spec.bogus',
        'spec.linkFlapErrDisable.wrong',
        'spec.links[0].nope',
        'spec.subnets.default.junk',
      ].sort(),
    );
    expect(value).toEqual({
      apiVersion: 'v',
      kind: 'Switch',
      metadata: { name: 'a', anything: 1 },
      spec: {
        role: 'spine',
        subnets: { default: { subnet: '10.0.0.0/24' } },
        links: [{ port: 'E1/1' }],
        free: { kept: { deep: 1 } },
        linkFlapErrDisable: { flapThreshold: 4 },
      },
    });
  });
});

describe('applyDefaults', () => {
  it('fills defaults only where the parent object exists', () => {
    expect(applyDefaults({ spec: { role: 'spine', linkFlapErrDisable: {} } }, SWITCH)).toEqual({
      spec: { role: 'spine', linkFlapErrDisable: { flapThreshold: 3, recoveryInterval: 300 } },
    });
    expect(applyDefaults({ spec: { role: 'spine' } }, SWITCH)).toEqual({ spec: { role: 'spine' } });
  });

  it('replaces null with the default, drops null of non-nullable fields and keeps nullable nulls', () => {
    const input = {
      spec: { role: 'spine', asn: null, note: null, linkFlapErrDisable: { flapThreshold: null } },
    };
    expect(applyDefaults(input, SWITCH)).toEqual({
      spec: { role: 'spine', note: null, linkFlapErrDisable: { flapThreshold: 3, recoveryInterval: 300 } },
    });
    expect(input.spec.asn).toBeNull();
  });
});

describe('validateAgainst', () => {
  const fieldsOf = (spec: Record<string, unknown>) =>
    validateAgainst({ apiVersion: 'v', kind: 'Switch', metadata: {}, spec }, SWITCH).map((v) => [
      v.field,
      v.reason,
      v.message,
    ]);

  it('accepts a valid object', () => {
    expect(fieldsOf({ role: 'spine', asn: 65101, ip: '10.0.0.1', groups: ['g'], note: null })).toEqual([]);
  });

  it('reports required, enum and type violations with the real server wording', () => {
    expect(fieldsOf({})).toEqual([['spec.role', 'FieldValueRequired', 'Required value']]);
    expect(fieldsOf({ role: 'foo' })).toEqual([
      [
        'spec.role',
        'FieldValueNotSupported',
        'Unsupported value: "foo": supported values: "spine", "server-leaf", "border-leaf"',
      ],
    ]);
    expect(fieldsOf({ role: 'spine', asn: 'x' })).toEqual([
      [
        'spec.asn',
        'FieldValueTypeInvalid',
        'Invalid value: "string": spec.asn in body must be of type integer: "string"',
      ],
    ]);
    expect(fieldsOf({ role: 'spine', asn: 1.5 })[0]?.[1]).toBe('FieldValueTypeInvalid');
  });

  it('reports bounds, patterns, lengths and item counts', () => {
    expect(fieldsOf({ role: 'spine', linkFlapErrDisable: { flapThreshold: 99 } })).toEqual([
      [
        'spec.linkFlapErrDisable.flapThreshold',
        'FieldValueInvalid',
        'Invalid value: 99: spec.linkFlapErrDisable.flapThreshold in body should be less than or equal to 50',
      ],
    ]);
    expect(fieldsOf({ role: 'spine', linkFlapErrDisable: { flapThreshold: 0 } })[0]?.[2]).toContain(
      'should be greater than or equal to 1',
    );
    expect(fieldsOf({ role: 'spine', ip: '10.0.0.300' })).toEqual([
      ['spec.ip', 'FieldValueInvalid', `Invalid value: "10.0.0.300": spec.ip in body should match '${IP}'`],
    ]);
    expect(fieldsOf({ role: 'spine', groups: [] })).toEqual([
      [
        'spec.groups',
        'FieldValueInvalid',
        'Invalid value: 0: spec.groups in body should have at least 1 items',
      ],
    ]);
    expect(fieldsOf({ role: 'spine', groups: ['a', 'b', 'c'] })).toEqual([
      ['spec.groups', 'FieldValueTooMany', 'Too many: 3: must have at most 2 items'],
    ]);
    expect(fieldsOf({ role: 'spine', description: 'x'.repeat(11) })[0]?.[1]).toBe('FieldValueTooLong');
    expect(fieldsOf({ role: 'spine', description: 'x' })[0]?.[1]).toBe('FieldValueInvalid');
    expect(fieldsOf({ role: 'spine', asn: 2 ** 32 })[0]?.[2]).toContain('must be of type int32');
  });

  it('names map keys and array elements in paths, under a root path when given', () => {
    const spec = { role: 'spine', subnets: { default: { gateway: 'x' } }, links: [{ port: 7 }] };
    expect(fieldsOf(spec).map(([field, reason]) => `${field} ${reason}`)).toEqual([
      'spec.subnets.default.subnet FieldValueRequired',
      'spec.subnets.default.gateway FieldValueInvalid',
      'spec.links[0].port FieldValueTypeInvalid',
    ]);
    const specSchema = SWITCH.properties!['spec']!;
    expect(validateAgainst({}, specSchema, 'spec')[0]?.field).toBe('spec.role');
  });
});

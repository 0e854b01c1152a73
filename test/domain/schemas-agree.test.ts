import { describe, expect, it } from 'vitest';
import { objectSchemaOf } from '../../src/domain/schemas/index.js';
import {
  applyDefaults,
  pruneUnknown,
  validateAgainst,
  type StructuralSchema,
} from '../../src/domain/structural-schema.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { HAS_SHARED, loadSample, modelledSchemas, SAMPLE_FILES } from './shared-data.js';

/** What the API server does with an object: prune, default, validate. */
function admit(object: unknown, schema: StructuralSchema) {
  const { value, unknownFields } = pruneUnknown(object, schema);
  const defaulted = applyDefaults(value, schema);
  return {
    unknownFields,
    defaulted,
    violations: validateAgainst(defaulted, schema)
      .map((v) => v.field)
      .sort(),
  };
}

const ours = (kind: string): StructuralSchema => {
  const schema = objectSchemaOf(kind);
  if (!schema) throw new Error(`no schema for ${kind}`);
  return schema;
};

const base = (kind: string, spec: unknown): Manifest =>
  ({ apiVersion: 'x/v1beta1', kind, metadata: { name: 'n' }, spec }) as Manifest;

/** Each variant is invalid for a different schema reason; both schemas must reject it. */
const INVALID: readonly [string, Manifest][] = [
  ['wrong enum', base('Switch', { role: 'leaf' })],
  ['wrong FEC enum', base('Switch', { role: 'spine', portFECs: { 'E1/1': 'fast' } })],
  ['missing required role', base('Switch', { profile: 'vs' })],
  ['missing required spec', { apiVersion: 'x', kind: 'ExternalAttachment', metadata: { name: 'n' } }],
  [
    'missing required remoteIP',
    base('ExternalAttachment', { switch: {}, neighbor: {}, static: { ip: '1.2.3.4/24' } }),
  ],
  [
    'missing required ACL fields',
    base('ExternalAttachment', { switch: {}, neighbor: {}, inboundACL: { statements: [{ seq: 10 }] } }),
  ],
  ['missing required dhcp options', base('VPC', { subnets: { a: { dhcp: { options: { pxeURL: 'x' } } } } })],
  ['missing static ip', base('VPC', { subnets: { a: { dhcp: { static: { 'aa:bb:cc:dd:ee:ff': {} } } } } })],
  [
    'bad link ip pattern',
    base('Connection', {
      fabric: { links: [{ spine: { port: 's/E1/1', ip: '10.0.0.300/31' }, leaf: { port: 'l/E1/1' } }] },
    }),
  ],
  [
    'bad nextHop pattern',
    base('Connection', { staticExternal: { link: { switch: { port: 's/E1/1', nextHop: '10.0.0.1/32' } } } }),
  ],
  [
    'too many IPv4Namespace subnets',
    base('IPv4Namespace', { subnets: Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`) }),
  ],
  ['too few IPv4Namespace subnets', base('IPv4Namespace', { subnets: [] })],
  [
    'too many VLAN ranges',
    base('VLANNamespace', { ranges: Array.from({ length: 21 }, (_, i) => ({ from: i + 1 })) }),
  ],
  ['too many peering permits', base('VPCPeering', { permit: Array.from({ length: 11 }, () => ({})) })],
  [
    'eslag with one link',
    base('Connection', { eslag: { links: [{ server: { port: 'a/b' }, switch: { port: 'c/E1/1' } }] } }),
  ],
  ['empty mclagDomain lists', base('Connection', { mclagDomain: { peerLinks: [], sessionLinks: [] } })],
  ['wrong type vlan', base('VPC', { subnets: { a: { subnet: '10.0.0.0/24', vlan: '1001' } } })],
  ['wrong type subnets', base('IPv4Namespace', { subnets: '10.0.0.0/16' })],
  ['wrong type nativeVLAN', base('VPCAttachment', { nativeVLAN: 'yes' })],
  [
    'flapThreshold above maximum',
    base('Switch', { role: 'spine', linkFlapErrDisable: { flapThreshold: 51 } }),
  ],
  ['asn beyond int32', base('Switch', { role: 'spine', asn: 2 ** 32 })],
];

describe.skipIf(!HAS_SHARED)('our schemas agree with the real CRDs', () => {
  const real = HAS_SHARED ? modelledSchemas() : new Map<string, StructuralSchema>();

  it('covers the same 14 kinds', () => {
    for (const kind of real.keys()) expect(objectSchemaOf(kind), kind).toBeDefined();
    expect(real.size).toBe(14);
  });

  describe.each(SAMPLE_FILES)('sample %s', (file) => {
    it.each(
      loadSample(file).map((s) => [`${s.manifest.kind}/${s.manifest.metadata.name}`, s.manifest] as const),
    )('%s: same verdict, same pruning, same defaults', (_name, manifest) => {
      const theirs = admit(manifest, real.get(manifest.kind)!);
      expect(admit(manifest, ours(manifest.kind))).toEqual(theirs);
    });
  });

  it('rejects the static ExternalAttachment both ways (spec.switch and spec.neighbor are required)', () => {
    const doc = loadSample('lab-ci_env-ci-1_wiring.95ca77d.yaml').find(
      (s) => s.manifest.metadata.name === 'ds3000-03--static-ext',
    )!;
    expect(admit(doc.manifest, ours('ExternalAttachment')).violations).toEqual([
      'spec.neighbor',
      'spec.switch',
    ]);
  });

  it.each(INVALID)('both reject: %s', (_name, manifest) => {
    const theirs = admit(manifest, real.get(manifest.kind)!);
    const mine = admit(manifest, ours(manifest.kind));
    expect(theirs.violations.length).toBeGreaterThan(0);
    expect(mine.violations).toEqual(theirs.violations);
  });

  it('both default linkFlapErrDisable the same way', () => {
    const manifest = base('Switch', { role: 'spine', linkFlapErrDisable: { flapThreshold: 5 } });
    const mine = admit(manifest, ours('Switch')).defaulted as Manifest;
    expect(mine.spec?.['linkFlapErrDisable']).toEqual({
      flapThreshold: 5,
      samplingInterval: 30,
      recoveryInterval: 300,
    });
    expect(mine).toEqual(admit(manifest, real.get('Switch')!).defaulted);
  });

  it('both prune the same unknown fields', () => {
    const manifest = base('VPCAttachment', { vpc: 'made-up', subnet: 'a/b', connection: 'c' });
    const server = base('Server', { type: 'control', description: 'x' });
    for (const m of [manifest, server]) {
      const mine = admit(m, ours(m.kind));
      expect(mine.unknownFields).toHaveLength(1);
      expect(mine).toEqual(admit(m, real.get(m.kind)!));
    }
  });
});

/** The schema tree without prose and without pattern text (ours are written independently; the cases above test them). */
function shape(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shape);
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [
        k,
        k === 'pattern' ? 'PATTERN' : k === 'required' ? [...(v as string[])].sort() : shape(v),
      ]),
  );
}

describe.skipIf(!HAS_SHARED)('our schema trees', () => {
  const real = HAS_SHARED ? modelledSchemas() : new Map<string, StructuralSchema>();
  it.each([...real.keys()])('%s declares the same fields, types and limits as the CRD', (kind) => {
    expect(shape(ours(kind))).toEqual(shape(real.get(kind)));
  });
});

import { describe, expect, it } from 'vitest';
import { projectCrds } from '../../src/domain/crds.js';
import { KINDS, SUPPORTING_KINDS } from '../../src/domain/kinds.js';
import { HAS_SHARED, NOT_YET_MODELLED, modelledSchemas, realSchemas } from './shared-data.js';

describe('projectCrds', () => {
  const crds = projectCrds();

  it('defines the 12 managed kinds in apply order, then the two profiles', () => {
    const kinds = crds.map((c) => c.spec.names.kind);
    expect(kinds).toEqual([...KINDS, ...SUPPORTING_KINDS].map((k) => k.kind));
    // projectCrds is built from that registry, so the order of architecture §4 is also written out.
    expect(kinds).toEqual([
      'VLANNamespace',
      'IPv4Namespace',
      'SwitchGroup',
      'Switch',
      'Server',
      'Connection',
      'External',
      'VPC',
      'ExternalAttachment',
      'VPCAttachment',
      'VPCPeering',
      'ExternalPeering',
      'SwitchProfile',
      'ServerProfile',
    ]);
  });

  it('uses REFERENCE §1.1 names, scope, one served storage version with a status subresource', () => {
    const sw = crds.find((c) => c.spec.names.kind === 'Switch')!;
    expect(sw.metadata.name).toBe('switches.wiring.githedgehog.com');
    expect(sw.spec).toMatchObject({
      group: 'wiring.githedgehog.com',
      scope: 'Namespaced',
      names: {
        plural: 'switches',
        singular: 'switch',
        shortNames: ['sw'],
        listKind: 'SwitchList',
        categories: ['hedgehog', 'wiring', 'fabric'],
      },
    });
    expect(sw.spec.versions).toHaveLength(1);
    expect(sw.spec.versions[0]).toMatchObject({
      name: 'v1beta1',
      served: true,
      storage: true,
      subresources: { status: {} },
    });
    const vpc = crds.find((c) => c.spec.names.kind === 'VPC')!;
    expect(vpc.spec.names).not.toHaveProperty('shortNames');
    expect(crds.find((c) => c.spec.names.kind === 'ExternalPeering')!.spec.names.shortNames).toEqual([
      'extpeering',
      'extpeer',
    ]);
  });

  it('requires spec only on ExternalAttachment, as the real CRDs do', () => {
    const requiring = crds.filter((c) =>
      c.spec.versions[0]!.schema.openAPIV3Schema.required?.includes('spec'),
    );
    expect(requiring.map((c) => c.spec.names.kind)).toEqual(['ExternalAttachment']);
  });
});

describe.skipIf(!HAS_SHARED)('projectCrds against the real CRDs', () => {
  it('has the same names and categories as the real CRDs of the kinds it models', () => {
    expect(new Set(projectCrds().map((c) => c.spec.names.kind))).toEqual(new Set(modelledSchemas().keys()));
  });

  it('leaves out exactly the real CRDs listed as not modelled yet', () => {
    const projected = new Set(projectCrds().map((c) => c.spec.names.kind));
    expect(new Set([...realSchemas().keys()].filter((kind) => !projected.has(kind)))).toEqual(
      NOT_YET_MODELLED,
    );
  });
});

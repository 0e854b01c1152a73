import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { Validator, validateManifests } from '../../src/domain/validate.js';
import { fabricWith, miniFabric, sourced } from './mini-fabric.js';
import { HAS_SHARED, loadSample } from './shared-data.js';

const issuesOf = (manifests: Manifest[], options = {}) =>
  validateManifests(sourced(manifests), options).map((i) => ({
    kind: i.kind,
    name: i.name,
    field: i.field,
    message: i.message,
  }));

describe('validateManifests: identity', () => {
  it('accepts the mini fabric', () => {
    expect(issuesOf(miniFabric())).toEqual([]);
  });

  it('rejects an unknown kind and a controller-owned SwitchProfile with clear messages', () => {
    const extra: Manifest[] = [
      { apiVersion: 'x/v1', kind: 'Gadget', metadata: { name: 'g' } },
      {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'SwitchProfile',
        metadata: { name: 'custom' },
        spec: {},
      },
    ];
    const messages = issuesOf([...miniFabric(), ...extra]).map((i) => i.message);
    expect(messages).toEqual([
      expect.stringMatching(/unknown kind Gadget/),
      expect.stringMatching(/SwitchProfile is owned by the fabric controller/),
    ]);
  });

  it('explains that v1alpha2 is no longer served', () => {
    const issues = issuesOf(
      fabricWith('VPC', 'vpc-2', (m) => (m.apiVersion = 'vpc.githedgehog.com/v1alpha2')),
    );
    expect(issues).toEqual([
      {
        kind: 'VPC',
        name: 'vpc-2',
        field: 'apiVersion',
        message: expect.stringMatching(/v1alpha2 is no longer served.*use vpc.githedgehog.com\/v1beta1/),
      },
    ]);
  });

  it('checks name format, kind-specific length, the ext. prefix and the namespace', () => {
    const bad = miniFabric().concat([
      {
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'IPv4Namespace',
        metadata: { name: 'twelve-chars' },
        spec: { subnets: ['10.9.0.0/16'] },
      },
      {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'SwitchGroup',
        metadata: { name: 'Upper_Case' },
        spec: {},
      },
      {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'SwitchGroup',
        metadata: { name: 'g', namespace: 'fab' },
        spec: {},
      },
      {
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        kind: 'VPC',
        metadata: { name: 'ext.x' },
        spec: { subnets: { a: { subnet: '10.0.9.0/24', vlan: 1009 } } },
      },
    ] as Manifest[]);
    expect(issuesOf(bad).map((i) => [i.name, i.field, i.message])).toEqual([
      [
        'twelve-chars',
        'metadata.name',
        expect.stringMatching(/12 characters; IPv4Namespace names may have at most 11/),
      ],
      ['Upper_Case', 'metadata.name', expect.stringMatching(/not a lowercase RFC 1123 subdomain/)],
      ['g', 'metadata.namespace', expect.stringMatching(/namespace fab is not allowed/)],
      ['ext.x', 'metadata.name', expect.stringMatching(/may not start with ext\./)],
    ]);
  });

  it('names both places of a duplicate', () => {
    const all = miniFabric();
    const copy = structuredClone(all.find((m) => m.kind === 'Server')!);
    copy.metadata.namespace = 'default';
    const issues = validateManifests(sourced([...all, copy]));
    expect(issues).toEqual([
      expect.objectContaining({
        file: `f${all.length}.yaml`,
        kind: 'Server',
        name: 'srv-1',
        message: `Server/default/srv-1 is defined twice: f6.yaml:61 and f${all.length}.yaml:${all.length * 10 + 1}`,
      }),
    ]);
  });

  it('reports unknown fields as errors naming the field, and schema violations with their path', () => {
    const issues = issuesOf(
      fabricWith('VPCAttachment', 'vpc-1--srv-1', (m) => {
        m.spec!['vpc'] = 'vpc-1';
        m.spec!['nativeVLAN'] = 'yes';
      }),
    );
    expect(issues).toEqual([
      {
        kind: 'VPCAttachment',
        name: 'vpc-1--srv-1',
        field: 'spec.vpc',
        message: expect.stringMatching(/unknown field spec.vpc.*drop it/),
      },
      {
        kind: 'VPCAttachment',
        name: 'vpc-1--srv-1',
        field: 'spec.nativeVLAN',
        message: expect.stringMatching(/must be of type boolean/),
      },
    ]);
  });

  it('survives documents that are not objects or lack metadata', () => {
    const weird = [null, { kind: 'VPC' }] as unknown as Manifest[];
    expect(validateManifests(sourced(weird)).map((i) => i.message)).toEqual([
      'a document must be a Kubernetes object (a YAML mapping)',
      expect.stringMatching(/apiVersion undefined is not served/),
      'metadata.name is required',
      'a VPC has 1 to 20 subnets, this one has 0',
    ]);
  });
});

describe('a Validator kept across syncs', () => {
  it('reports for each set exactly what a fresh validation reports, while the objects are shared', () => {
    const validator = new Validator();
    const base = miniFabric();
    expect(validator.validate(sourced(base))).toEqual([]);
    // The same objects again, minus vpc-2: references to it now dangle, though no object changed.
    const withoutVpc = base.filter((m) => !(m.kind === 'VPC' && m.metadata.name === 'vpc-2'));
    const dangling = validator.validate(sourced(withoutVpc));
    expect(dangling.map((i) => i.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/VPC vpc-2 does not exist/)]),
    );
    expect(dangling).toEqual(validateManifests(sourced(withoutVpc)));
    // A new object (a file changed) whose port clashes with an unchanged connection.
    const clash = structuredClone(base.find((m) => m.metadata.name === 'srv-1--unbundled--leaf-1')!);
    clash.metadata.name = 'srv-2--unbundled--leaf-1';
    (clash.spec!['unbundled'] as { link: { server: { port: string } } }).link.server.port = 'srv-2/eth9';
    const clashing = validator.validate(sourced([...base, clash]));
    expect(clashing.map((i) => i.message)).toEqual([
      expect.stringMatching(/port leaf-1\/E1\/1 is already used by connection srv-1--unbundled--leaf-1/),
    ]);
    expect(clashing).toEqual(validateManifests(sourced([...base, clash])));
    // And back: the unchanged set is valid again.
    expect(validator.validate(sourced(base))).toEqual([]);
  });
});

describe('a Validator kept across syncs, set rules', () => {
  /** The mini fabric with one Switch replaced by an edited copy: only the Switch kind changes. */
  const withSwitch = (base: Manifest[], name: string, edit: (spec: Record<string, unknown>) => void) =>
    base.map((m) => {
      if (m.kind !== 'Switch' || m.metadata.name !== name) return m;
      const copy = structuredClone(m);
      edit(copy.spec!);
      return copy;
    });

  it('runs a rule again when a kind it reads changed, even only through a lookup by name', () => {
    const validator = new Validator();
    const base = miniFabric();
    const steps = [
      base,
      // eslag: read through the connection's switches (Connection unchanged, Switch changed).
      withSwitch(base, 'leaf-2', (spec) => (spec['redundancy'] = { group: 'other', type: 'eslag' })),
      base,
      // An attachment's switch loses the VPC's VLANNamespace (VPCAttachment unchanged).
      withSwitch(base, 'leaf-1', (spec) => (spec['vlanNamespaces'] = ['elsewhere'])),
      base,
    ];
    const messages = steps.map((set) => {
      const issues = validator.validate(sourced(set));
      expect(issues).toEqual(validateManifests(sourced(set)));
      return issues.map((i) => i.message);
    });
    expect(messages[0]).toEqual([]);
    expect(messages[1]).toEqual(
      expect.arrayContaining([expect.stringMatching(/must all be in one redundancy group/)]),
    );
    expect(messages[2]).toEqual([]);
    expect(messages[3]).toEqual(
      expect.arrayContaining([expect.stringMatching(/switch leaf-1 .* does not list VLANNamespace default/)]),
    );
    expect(messages[4]).toEqual([]);
  });
});

describe.skipIf(!HAS_SHARED)('validateManifests on the samples', () => {
  // The lab-ci files alone validate clean: test/domain/admission-chain.test.ts.
  it('the demo files on top of the lab wiring: attachments to another lab and subnets outside its IPv4Namespace', () => {
    const lab = loadSample('lab-ci_env-ci-1_wiring.95ca77d.yaml').filter(
      (s) => s.manifest.metadata.name !== 'ds3000-03--static-ext',
    );
    const demo = [
      ...loadSample('demo-gitops_env-1_pre-demo.yaml'),
      ...loadSample('demo-gitops_env-1_demo.yaml'),
    ];
    const issues = validateManifests([...lab, ...demo]);
    expect(issues.map((i) => [i.file, i.line, i.name, i.field])).toEqual([
      [
        'demo-gitops_env-1_pre-demo.yaml',
        33,
        'demo-vpc-1--server-1--mclag--s5248-01--s5248-02',
        'spec.connection',
      ],
      ['demo-gitops_env-1_pre-demo.yaml', 42, 'demo-vpc-2--server-4--unbundled--s5248-02', 'spec.connection'],
      ['demo-gitops_env-1_demo.yaml', 30, 'demo-vpc-3--server-3--bundled--s5248-01', 'spec.connection'],
      ['demo-gitops_env-1_pre-demo.yaml', 1, 'demo-vpc-1', 'spec.subnets.default.subnet'],
      ['demo-gitops_env-1_pre-demo.yaml', 17, 'demo-vpc-2', 'spec.subnets.default.subnet'],
      ['demo-gitops_env-1_demo.yaml', 4, 'demo-vpc-3', 'spec.subnets.subnet-1.subnet'],
      ['demo-gitops_env-1_demo.yaml', 4, 'demo-vpc-3', 'spec.subnets.subnet-2.subnet'],
    ]);
  });

  it('a demo VPC attached to an MCLAG connection is refused (REFERENCE §1.9)', () => {
    const lab = loadSample('lab-ci_env-ci-1_wiring.251b76f.yaml').filter(
      (s) => s.manifest.metadata.name !== 'ds3000-03--static-ext',
    );
    const vpc = {
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'VPC',
      metadata: { name: 'v1' },
      spec: { subnets: { default: { subnet: '10.20.1.0/24', vlan: 1500 } } },
    };
    const attach = {
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'VPCAttachment',
      metadata: { name: 'a' },
      spec: { subnet: 'v1', connection: 'server-1--mclag--ds3000-01--ds3000-02' },
    };
    const extra = sourced([vpc, attach] as Manifest[]);
    expect(validateManifests([...lab, ...extra]).map((i) => i.message)).toEqual([
      expect.stringMatching(/not mclag \(MCLAG is deprecated/),
    ]);
  });
});

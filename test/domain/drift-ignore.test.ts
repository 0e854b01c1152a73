import { describe, expect, it } from 'vitest';
import {
  compileDriftIgnore,
  MAX_DRIFT_IGNORE_RULES,
  validateDriftIgnoreRules,
  type DriftIgnoreRule,
} from '../../src/domain/drift-ignore.js';
import { DomainError } from '../../src/domain/errors.js';

const vpc = (name = 'vpc-1') => ({ kind: 'VPC', name });
const ignores = (rules: DriftIgnoreRule[], path: string, ref = vpc()) =>
  compileDriftIgnore(validateDriftIgnoreRules(rules))(ref)?.(path) ?? false;

const refusal = (rules: DriftIgnoreRule[]) => {
  try {
    validateDriftIgnoreRules(rules);
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, field: err.details['field'] };
    throw err;
  }
  return undefined;
};

describe('drift ignore rules', () => {
  it('ignore the path they name and everything below it, not a sibling sharing its prefix', () => {
    const rules = [{ paths: ['spec.subnets.default'] }];
    expect(ignores(rules, 'spec.subnets.default')).toBe(true);
    expect(ignores(rules, 'spec.subnets.default.vlan')).toBe(true);
    expect(ignores(rules, 'spec.subnets.default-2.vlan')).toBe(false);
    expect(ignores(rules, 'spec.subnets')).toBe(false);
  });

  it('read * as exactly one segment: a key, an index or a quoted key, never two', () => {
    const rules = [{ paths: ['spec.subnets.*.vlan', 'spec.links[*].leaf'] }];
    expect(ignores(rules, 'spec.subnets.default.vlan')).toBe(true);
    expect(ignores(rules, 'spec.subnets["a/b"].vlan')).toBe(true);
    expect(ignores(rules, 'spec.subnets.a.b.vlan')).toBe(false);
    expect(ignores(rules, 'spec.links[3].leaf.port')).toBe(true);
    expect(ignores([{ paths: ['spec.*.vlan'] }], 'spec.subnets.default.vlan')).toBe(false);
  });

  it('name a key the way the drift report writes it, quoted or not', () => {
    expect(ignores([{ paths: ['metadata.labels["team"]'] }], 'metadata.labels.team')).toBe(true);
    const label = 'metadata.labels["app.kubernetes.io/name"]';
    expect(ignores([{ paths: [label] }], label)).toBe(true);
    expect(ignores([{ paths: [label] }], 'metadata.labels["app.kubernetes.io/name-2"]')).toBe(false);
  });

  it('limited to kinds or names, leave other objects alone', () => {
    const rules = [{ kinds: ['VPC'], names: ['vpc-1'], paths: ['spec.ipv4Namespace'] }];
    expect(ignores(rules, 'spec.ipv4Namespace')).toBe(true);
    expect(ignores(rules, 'spec.ipv4Namespace', vpc('vpc-2'))).toBe(false);
    expect(ignores(rules, 'spec.ipv4Namespace', { kind: 'Switch', name: 'vpc-1' })).toBe(false);
  });

  it('refuse empty, malformed and overlong input with the field at fault', () => {
    const bad = 'input.driftIgnore[1].paths[1]';
    for (const path of ['', '.spec', 'spec.', 'spec..a', 'spec[x]', 'spec["\\q"]', 'spec.**', 'spec a'])
      expect(refusal([{ paths: ['spec'] }, { paths: ['spec', path] }]), path).toEqual({
        code: 'BAD_USER_INPUT',
        field: bad,
      });
    expect(refusal([{ paths: [] }])?.field).toBe('input.driftIgnore[0].paths');
    expect(refusal([{ kinds: ['Pod'], paths: ['spec'] }])?.field).toBe('input.driftIgnore[0].kinds[0]');
    const many = Array.from({ length: MAX_DRIFT_IGNORE_RULES + 1 }, () => ({ paths: ['spec'] }));
    expect(refusal(many)?.field).toBe('input.driftIgnore');
    expect(
      refusal([{ paths: ['spec.subnets.*.vlan', 'metadata.labels["a/b"]', 'spec.x[0]'] }]),
    ).toBeUndefined();
  });
});

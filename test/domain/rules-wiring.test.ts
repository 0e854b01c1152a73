// Webhook rules of the wiring kinds (REFERENCE §2.4, §2.8, §2.9, §2.12), one case each, and the options.
import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../src/domain/validate.js';
import { fabricWith, sourced } from './mini-fabric.js';
import { describeRules } from './rule-cases.js';
import { WIRING_RULE_CASES } from './rule-cases-wiring.js';

describeRules(WIRING_RULE_CASES);

describe('options', () => {
  it('accepts a profile the fabric knows besides the built-in ones', () => {
    const manifests = fabricWith('Switch', 'leaf-1', (m) => (m.spec!['profile'] = 'lab-custom'));
    expect(validateManifests(sourced(manifests), { knownProfiles: ['lab-custom'] })).toEqual([]);
  });
  it('accepts reserved VLANs moved by the fabric config', () => {
    const manifests = fabricWith(
      'VLANNamespace',
      'default',
      (m) => (m.spec!['ranges'] = [{ from: 1000, to: 3100 }]),
    );
    expect(validateManifests(sourced(manifests), { reservedVlans: [{ from: 3500, to: 3999 }] })).toEqual([]);
  });
});

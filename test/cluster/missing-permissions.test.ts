/** The token's missing permissions from a rules review, and the access-review check where it is incomplete. */
import { describe, expect, it } from 'vitest';
import { confirmMissing, missingPermissionsOf } from '../../src/cluster/connection-test.js';

describe('missingPermissionsOf', () => {
  it('grants by verb, group and resource wildcards, never by a rule limited to resource names', () => {
    const missing = missingPermissionsOf([
      { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], apiGroups: ['wiring.githedgehog.com'], resources: ['switches'] },
      {
        verbs: ['delete'],
        apiGroups: ['vpc.githedgehog.com'],
        resources: ['vpcs'],
        resourceNames: ['only-this'],
      },
    ]);
    expect(missing.find((p) => p.kind === 'Switch')).toBeUndefined();
    expect(missing.find((p) => p.kind === 'VPC')).toEqual({
      kind: 'VPC',
      verbs: ['create', 'patch', 'delete'],
    });
  });
});

describe('confirmMissing', () => {
  it('keeps only the verbs an access review denies', async () => {
    const asked: string[] = [];
    const confirmed = await confirmMissing(
      [
        { kind: 'VPC', verbs: ['create', 'delete'] },
        { kind: 'Switch', verbs: ['patch'] },
      ],
      async (kind, verb) => {
        asked.push(`${kind.plural}.${kind.group}/${verb}`);
        return verb !== 'delete';
      },
    );
    expect(confirmed).toEqual([{ kind: 'VPC', verbs: ['delete'] }]);
    expect(asked.sort()).toEqual([
      'switches.wiring.githedgehog.com/patch',
      'vpcs.vpc.githedgehog.com/create',
      'vpcs.vpc.githedgehog.com/delete',
    ]);
  });
});

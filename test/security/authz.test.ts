import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  ACTIONS,
  Authorizer,
  ROLES,
  validateGrants,
  type Action,
  type Grant,
  type Role,
} from '../../src/security/authz.js';

const OWN = 'fabric-own';
const OTHER = 'fabric-other';

const principal = (grants: Grant[]) => ({ tokenId: 't1', name: 'ci-bot', grants });
/** A token holding `role` on OWN only (ADMIN is always global). */
const scoped = (role: Role) => new Authorizer(principal([{ role, fabricId: role === 'ADMIN' ? null : OWN }]));
const global = (role: Role) => new Authorizer(principal([{ role, fabricId: null }]));

/** What each role may do on a fabric it holds a grant for: the rule table written out. */
const ALLOWED: Record<Role, readonly Action[]> = {
  VIEWER: ['read'],
  OPERATOR: ['read', 'operate'],
  EDITOR: ['read', 'operate', 'edit'],
  ADMIN: ['read', 'operate', 'edit', 'admin'],
};

function codeOf(fn: () => void): string {
  try {
    fn();
    return 'ALLOWED';
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

describe('Authorizer decisions: role × action × own/other fabric', () => {
  const cases = ROLES.flatMap((role) => ACTIONS.map((action) => [role, action] as const));

  it.each(cases)('%s grant on its own fabric, action %s', (role, action) => {
    const auth = scoped(role);
    const allowed = ALLOWED[role].includes(action);
    expect(auth.can(action, OWN)).toBe(allowed);
    expect(codeOf(() => auth.require(action, OWN))).toBe(allowed ? 'ALLOWED' : 'FORBIDDEN');
  });

  it.each(cases)('%s grant for one fabric asking %s on another fabric', (role, action) => {
    const auth = scoped(role);
    const allowed = role === 'ADMIN';
    expect(auth.can(action, OTHER)).toBe(allowed);
    expect(codeOf(() => auth.require(action, OTHER))).toBe(allowed ? 'ALLOWED' : 'NOT_FOUND');
  });

  it.each(cases)('%s grant for one fabric asking %s on every fabric', (role, action) => {
    const auth = scoped(role);
    const allowed = role === 'ADMIN';
    expect(auth.can(action)).toBe(allowed);
    expect(codeOf(() => auth.require(action))).toBe(allowed ? 'ALLOWED' : 'FORBIDDEN');
  });

  it.each(cases)('global %s grant asking %s on any fabric and on every fabric', (role, action) => {
    const auth = global(role);
    const allowed = ALLOWED[role].includes(action);
    for (const fabricId of [OWN, OTHER, undefined]) {
      expect(auth.can(action, fabricId)).toBe(allowed);
      expect(codeOf(() => auth.require(action, fabricId))).toBe(allowed ? 'ALLOWED' : 'FORBIDDEN');
    }
  });

  it.each([...ACTIONS.map((a) => [a, OWN] as const), ...ACTIONS.map((a) => [a, undefined] as const)])(
    'without a token, %s on %s is UNAUTHENTICATED',
    (action, fabricId) => {
      const auth = new Authorizer(null);
      expect(auth.isAuthenticated).toBe(false);
      expect(auth.can(action, fabricId)).toBe(false);
      expect(codeOf(() => auth.require(action, fabricId))).toBe('UNAUTHENTICATED');
    },
  );
});

describe('Authorizer with several grants', () => {
  const auth = new Authorizer(
    principal([
      { role: 'VIEWER', fabricId: null },
      { role: 'OPERATOR', fabricId: 'a' },
      { role: 'EDITOR', fabricId: 'b' },
      { role: 'VIEWER', fabricId: 'b' },
    ]),
  );

  it('takes the highest grant per fabric, with the global one as a floor', () => {
    expect([auth.can('operate', 'a'), auth.can('edit', 'a')]).toEqual([true, false]);
    expect(auth.can('edit', 'b')).toBe(true);
    expect([auth.can('read', 'c'), auth.can('operate', 'c')]).toEqual([true, false]);
    expect(codeOf(() => auth.require('operate', 'c'))).toBe('FORBIDDEN');
    expect(auth.readableFabricIds()).toBe('ALL');
    expect(auth.isAdmin).toBe(false);
  });

  it('lists exactly the granted fabrics when no grant is global', () => {
    const scopedOnly = new Authorizer(
      principal([
        { role: 'VIEWER', fabricId: 'a' },
        { role: 'EDITOR', fabricId: 'b' },
      ]),
    );
    expect(scopedOnly.readableFabricIds()).toEqual(['a', 'b']);
    expect(scoped('ADMIN').readableFabricIds()).toBe('ALL');
  });

  it('says who was refused and what, without naming a hidden fabric', () => {
    const viewer = scoped('VIEWER');
    expect(() => viewer.require('operate', OWN)).toThrow(`API token "ci-bot" may not operate fabric ${OWN}`);
    expect(() => viewer.require('read', OTHER)).toThrow(`fabric ${OTHER} not found`);
  });

  it('refuses a per-fabric ADMIN grant as corrupt', () => {
    expect(() => new Authorizer(principal([{ role: 'ADMIN', fabricId: 'a' }]))).toThrow(/per-fabric ADMIN/);
  });
});

describe('repository visibility', () => {
  it('admins see every repository; others only through a readable fabric', () => {
    expect(scoped('ADMIN').canSeeRepository([])).toBe(true);
    expect(global('VIEWER').canSeeRepository([OTHER])).toBe(true);
    expect(global('EDITOR').canSeeRepository([])).toBe(false);
    expect(scoped('VIEWER').canSeeRepository([OTHER, OWN])).toBe(true);
    expect(scoped('EDITOR').canSeeRepository([OTHER])).toBe(false);
    expect(scoped('EDITOR').canSeeRepository([])).toBe(false);
  });

  it('scopes repository lists: all for admins, through readable fabrics for everyone else', () => {
    expect(scoped('ADMIN').repositoryScope()).toBe('ALL');
    expect(global('VIEWER').repositoryScope()).toEqual({ usedByFabricIds: 'ALL' });
    expect(scoped('EDITOR').repositoryScope()).toEqual({ usedByFabricIds: [OWN] });
    expect(new Authorizer(null).repositoryScope()).toEqual({ usedByFabricIds: [] });
  });

  it('requireRepository answers NOT_FOUND when hidden, FORBIDDEN when visible but not allowed', () => {
    expect(codeOf(() => scoped('VIEWER').requireRepository('read', 'r1', [OWN]))).toBe('ALLOWED');
    expect(codeOf(() => scoped('VIEWER').requireRepository('operate', 'r1', [OWN]))).toBe('FORBIDDEN');
    expect(codeOf(() => scoped('OPERATOR').requireRepository('operate', 'r1', [OTHER, OWN]))).toBe('ALLOWED');
    expect(codeOf(() => scoped('OPERATOR').requireRepository('read', 'r1', [OTHER]))).toBe('NOT_FOUND');
    expect(codeOf(() => scoped('ADMIN').requireRepository('operate', 'r1', []))).toBe('ALLOWED');
    expect(codeOf(() => new Authorizer(null).requireRepository('read', 'r1', [OWN]))).toBe('UNAUTHENTICATED');
  });
});

describe('validateGrants', () => {
  it('accepts global and per-fabric grants', () => {
    expect(() =>
      validateGrants([
        { role: 'ADMIN', fabricId: null },
        { role: 'VIEWER', fabricId: 'a' },
      ]),
    ).not.toThrow();
  });

  it.each([
    ['no grants', [], 'grants', /at least one grant/],
    ['a per-fabric ADMIN', [{ role: 'ADMIN', fabricId: 'a' }], 'grants[0].fabricId', /every fabric/],
    [
      'an unknown role',
      [
        { role: 'VIEWER', fabricId: null },
        { role: 'ROOT', fabricId: null },
      ],
      'grants[1].role',
      /unknown role ROOT/,
    ],
  ])('refuses %s as BAD_USER_INPUT naming the field', (_name, grants, field, message) => {
    try {
      validateGrants(grants as Grant[]);
      expect.unreachable('validateGrants accepted invalid grants');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
      expect((err as Error).message).toMatch(message);
    }
  });
});

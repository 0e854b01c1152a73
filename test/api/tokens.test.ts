/**
 * API tokens over HTTP: a token works at once, a revoked one stops at once on this replica, an
 * expired one stops even while remembered, and repeated requests do not each read api_token.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { FABRIC_SYNC_RESCAN_SECONDS: '0' } });
});
afterAll(async () => t?.close());

async function createToken(name: string, expiresAt: Date | null = null) {
  return dataOf(
    await t.gql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id } } }`,
      { i: { name, grants: [{ role: 'VIEWER' }], expiresAt: expiresAt?.toISOString() ?? null } },
    ),
  ).createApiToken;
}

const VIEWER = '{ viewer { tokenName } }';
const tokenLookups = () => t.queries.filter((sql) => sql.includes('from "api_token"')).length;

describe('API tokens', () => {
  it('are looked up once, not on every request', async () => {
    const { token } = await createToken('reader');
    t.queries.length = 0;
    for (let i = 0; i < 5; i++)
      expect(dataOf(await t.gql<{ viewer: { tokenName: string } }>(VIEWER, {}, token)).viewer.tokenName).toBe(
        'reader',
      );
    expect(tokenLookups()).toBe(1);
  });

  it('are read once for many requests at the same moment', async () => {
    const { token } = await createToken('crowd');
    t.queries.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.app.services.tokens.authenticate(token)),
    );
    expect(answers.map((p) => p?.name)).toEqual(Array.from({ length: 20 }, () => 'crowd'));
    expect(tokenLookups()).toBe(1);
  });

  it('stop working as soon as they are revoked', async () => {
    const { token, apiToken } = await createToken('revoked-soon');
    expect((await t.gql(VIEWER, {}, token)).errors).toBeUndefined();
    dataOf(await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) }`, { id: apiToken.id }));
    const after = await t.gql(VIEWER, {}, token);
    expect(after.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('stop working when they expire, even while remembered', async () => {
    // Expiry falls inside the 5 s the first request's lookup is remembered for.
    const expiresAt = Date.now() + 3_000;
    const { token } = await createToken('short-lived', new Date(expiresAt));
    expect((await t.gql(VIEWER, {}, token)).errors).toBeUndefined();
    // Only the clock moves past the expiry (no waiting): timers and I/O stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(expiresAt + 100);
      const after = await t.gql(VIEWER, {}, token);
      expect(after.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    } finally {
      vi.useRealTimers();
    }
  });

  it('named bootstrap-admin cannot be created through the API: the name marks the configured admin token', async () => {
    const result = await t.gql(`mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`, {
      i: { name: 'bootstrap-admin', grants: [{ role: 'VIEWER' }] },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
  });
});

describe('the bootstrap admin token', () => {
  const restartWith = (db: Awaited<ReturnType<typeof createTestDatabase>>, adminToken: string) =>
    startTestApp({ db, env: { FABRIC_SYNC_RESCAN_SECONDS: '0', FABRIC_SYNC_ADMIN_TOKEN: adminToken } });
  const tokenName = async (app: TestApp, token: string) => {
    const result = await app.gql<{ viewer: { tokenName: string } }>(VIEWER, {}, token);
    return result.data?.viewer.tokenName ?? result.errors?.[0]?.extensions?.code;
  };

  it('of a previous FABRIC_SYNC_ADMIN_TOKEN is revoked when the server starts with a new one', async () => {
    const db = await createTestDatabase();
    const [before, after] = ['fst_rotation_before_' + 'b'.repeat(24), 'fst_rotation_after_' + 'a'.repeat(24)];
    try {
      const first = await restartWith(db, before);
      expect(await tokenName(first, before)).toBe('bootstrap-admin');
      await first.close();
      const unchanged = await restartWith(db, before);
      expect(await tokenName(unchanged, before)).toBe('bootstrap-admin');
      await unchanged.close();

      const rotated = await restartWith(db, after);
      try {
        expect(await tokenName(rotated, after)).toBe('bootstrap-admin');
        expect(await tokenName(rotated, before)).toBe('UNAUTHENTICATED');
      } finally {
        await rotated.close();
      }
    } finally {
      await db.close();
    }
  });
});

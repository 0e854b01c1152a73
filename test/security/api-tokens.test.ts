import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  apiTokenMatches,
  generateApiToken,
  hashApiToken,
  isApiTokenText,
  isExpired,
  parseBearer,
} from '../../src/security/api-tokens.js';

describe('API tokens', () => {
  it('are fst_ + 256 random bits in base64url, different every time', () => {
    const tokens = Array.from({ length: 50 }, () => generateApiToken().token);
    for (const token of tokens) {
      expect(token).toMatch(/^fst_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
      expect(isApiTokenText(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('are stored only as the sha256 of their text', () => {
    const { token, hash } = generateApiToken();
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashApiToken(token)).toBe(hash);
    expect(hash).not.toContain(token.slice(4, 12));
  });

  it('match their own hash only', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(apiTokenMatches(a.token, a.hash)).toBe(true);
    expect(apiTokenMatches(b.token, a.hash)).toBe(false);
    expect(apiTokenMatches(a.token, 'abcd')).toBe(false);
    expect(apiTokenMatches(a.token, '')).toBe(false);
  });

  it('recognise their own shape', () => {
    expect(isApiTokenText('fst_short')).toBe(false);
    expect(isApiTokenText(`xyz_${'a'.repeat(43)}`)).toBe(false);
  });

  it('expire at expiresAt, and never without one', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isExpired(null, now)).toBe(false);
    expect(isExpired(undefined, now)).toBe(false);
    expect(isExpired(new Date('2026-01-01T00:00:01Z'), now)).toBe(false);
    expect(isExpired(now, now)).toBe(true);
    expect(isExpired(new Date('2025-12-31T23:59:59Z'), now)).toBe(true);
  });
});

describe('parseBearer', () => {
  it.each([
    ['Bearer fst_abc-_123', 'fst_abc-_123'],
    ['bearer   abc.def~+/==', 'abc.def~+/=='],
    ['  BEARER token  ', 'token'],
  ])('reads %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['no token', 'Bearer '],
    ['no space', 'Bearerabc'],
    ['two tokens', 'Bearer abc def'],
    ['a forbidden character', 'Bearer abc"def'],
    ['a repeated header', ['Bearer a', 'Bearer b']],
  ])('refuses %s', (_name, header) => {
    expect(parseBearer(header)).toBeNull();
  });
});

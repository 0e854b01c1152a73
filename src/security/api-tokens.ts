import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens: `fst_` + 43 base64url characters (256 random bits). The text is shown once, at
 * creation; only its hash is stored.
 *
 * Why sha256 and not bcrypt/scrypt/argon2: a slow KDF protects low-entropy secrets (passwords)
 * against guessing after a database leak. A 256-bit random token cannot be guessed at any hash
 * speed, so a slow KDF would only cost CPU on every request. A plain, unsalted digest also lets
 * the store find a token by `WHERE hash = $1` with an index, with nothing to compare in a loop.
 *
 * No prefix of the token is stored or logged (the predecessor logged the first 8 characters);
 * tokens are identified by their id and name. The `fst_` marker lets the redactor and secret
 * scanners recognise a leaked token.
 */
const API_TOKEN_PREFIX = 'fst_';
const TOKEN_BYTES = 32;
const TOKEN_TEXT = /^fst_[A-Za-z0-9_-]{43}$/;
/** RFC 6750 b64token, after "Bearer" and at least one space. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export interface GeneratedApiToken {
  /** Give this to the user once; never store or log it. */
  readonly token: string;
  /** Store this: hex sha256 of the token text. */
  readonly hash: string;
}

export function generateApiToken(): GeneratedApiToken {
  const token = API_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashApiToken(token) };
}

export const hashApiToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** True for text shaped like a fabric-sync token; lets callers skip a lookup for obvious garbage. */
export const isApiTokenText = (text: string): boolean => TOKEN_TEXT.test(text);

/**
 * Constant-time check of a presented token against a stored hash, for a comparison outside the
 * database's index lookup. Nothing in src needs one yet: FABRIC_SYNC_ADMIN_TOKEN is stored by its
 * hash at bootstrap and then looked up like any other token.
 */
export function apiTokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/**
 * The token from an `Authorization` header (or a graphql-ws `connection_init` `authorization`
 * value), or null when it is missing or not a Bearer credential.
 */
export function parseBearer(headerValue: string | readonly string[] | null | undefined): string | null {
  if (typeof headerValue !== 'string') return null; // absent, or sent twice: ambiguous, so refused
  return BEARER.exec(headerValue.trim())?.[1] ?? null;
}

/** Whether a token with this expiry may still be used at `now`; no expiry means it never expires. */
export const isExpired = (expiresAt: Date | null | undefined, now: Date = new Date()): boolean =>
  expiresAt != null && expiresAt.getTime() <= now.getTime();

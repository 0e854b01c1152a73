import { createHash, randomBytes } from 'node:crypto';

/**
 * Encryption keys for secrets at rest, as written in FABRIC_SYNC_SECRET_KEYS or the key file.
 *
 * Format of one key: exactly 32 random bytes, written either as 64 hex characters or as
 * `base64:` followed by standard base64 (44 characters with padding). Keys are separated by
 * commas (or new lines in the key file); the FIRST key encrypts, every key decrypts.
 * Generate one with `openssl rand -hex 32`.
 *
 * A passphrase is refused, never stretched or truncated into a key: the predecessor cut its
 * key out of the first 32 bytes of a settings string, which made the key guessable and
 * impossible to rotate. Two cheap checks catch the usual mistakes: bytes that are all
 * printable ASCII (a base64- or hex-wrapped password) and keys with few distinct bytes
 * ("000…", "abab…"). 32 truly random bytes fail either check with probability below 1e-13.
 */
export interface SecretKey {
  /** Short stable fingerprint written into each ciphertext: first 8 hex of sha256(key). */
  readonly id: string;
  readonly bytes: Buffer;
}

const KEY_BYTES = 32;
const MIN_DISTINCT_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^base64:([A-Za-z0-9+/]{43}=)$/;

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export const keyIdOf = (bytes: Buffer): string =>
  createHash('sha256').update(bytes).digest('hex').slice(0, 8);

/** A new key in the hex format, from the operating system's CSPRNG. */
export const generateKeyText = (): string => randomBytes(KEY_BYTES).toString('hex');

/** Parses one key; `position` (1-based) names it in errors, since the key itself must never be echoed. */
export function parseKey(text: string, position = 1): SecretKey {
  const where = `secret key #${position}`;
  const base64 = BASE64_KEY.exec(text);
  let bytes: Buffer;
  if (HEX_KEY.test(text)) bytes = Buffer.from(text, 'hex');
  else if (base64?.[1] !== undefined) bytes = Buffer.from(base64[1], 'base64');
  else
    throw new SecretKeyError(
      `${where} is not 64 hex characters or "base64:" + 32 bytes in base64 (${text.length} characters given); ` +
        'generate one with `openssl rand -hex 32`',
    );
  if (bytes.length !== KEY_BYTES)
    throw new SecretKeyError(`${where} decodes to ${bytes.length} bytes, not 32`);
  assertLooksRandom(bytes, where);
  return { id: keyIdOf(bytes), bytes };
}

function assertLooksRandom(bytes: Buffer, where: string): void {
  if (bytes.every((b) => b >= 0x20 && b < 0x7f))
    throw new SecretKeyError(`${where} is printable text (a password?), not 32 random bytes`);
  if (new Set(bytes).size < MIN_DISTINCT_BYTES)
    throw new SecretKeyError(`${where} repeats too few distinct bytes to be random`);
}

/** Parses the ordered key list; blank entries are ignored, duplicates and an empty list refused. */
export function parseKeyList(value: string): SecretKey[] {
  const texts = value
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '' && !t.startsWith('#'));
  if (texts.length === 0) throw new SecretKeyError('no secret key given (FABRIC_SYNC_SECRET_KEYS is empty)');
  const keys = texts.map((t, i) => parseKey(t, i + 1));
  const seen = new Set<string>();
  for (const [i, key] of keys.entries()) {
    if (seen.has(key.id)) throw new SecretKeyError(`secret key #${i + 1} (id ${key.id}) is listed twice`);
    seen.add(key.id);
  }
  return keys;
}

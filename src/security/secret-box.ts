import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseKeyList, type SecretKey } from './secret-keys.js';

/**
 * Encryption at rest: AES-256-GCM with the key id written on every ciphertext.
 *
 * Ciphertext text: `fsx1.<keyId>.<iv>.<ciphertext+tag>` — iv (12 bytes) and body in base64url,
 * the 16-byte GCM tag appended to the body. `fsx1` versions the format so a later one can be
 * read side by side.
 *
 * AAD binds a ciphertext to its owner: pass the same string to encrypt and decrypt, e.g.
 * `fabric:<id>:token` or `repository:<id>:credentials`. A ciphertext copied into another row (or
 * another column) then fails to decrypt instead of handing one fabric's token to another. The
 * authenticated data is `fsx1.<keyId>.<aad>`, so the header cannot be edited either.
 */
const VERSION = 'fsx1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

export class SecretBoxError extends Error {
  constructor(
    message: string,
    readonly keyId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}

interface Envelope {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly body: Buffer;
  readonly tag: Buffer;
}

export class SecretBox {
  private readonly byId: ReadonlyMap<string, SecretKey>;

  /** `keys[0]` encrypts; every key decrypts. */
  constructor(private readonly keys: readonly SecretKey[]) {
    const current = keys[0];
    if (current === undefined) throw new SecretBoxError('a SecretBox needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** From the FABRIC_SYNC_SECRET_KEYS format (see secret-keys.ts). */
  static fromKeyList(value: string): SecretBox {
    return new SecretBox(parseKeyList(value));
  }

  /** Id of the key that encrypts; the others only decrypt. */
  get currentKeyId(): string {
    return this.current.id;
  }

  get keyIds(): readonly string[] {
    return this.keys.map((k) => k.id);
  }

  encrypt(plain: string, aad = ''): string {
    const key = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(authenticatedData(key.id, aad));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, key.id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws SecretBoxError naming the key id (never the plaintext) when the key is unknown or the text was altered. */
  decrypt(ciphertext: string, aad = ''): string {
    const envelope = parseEnvelope(ciphertext);
    const key = this.byId.get(envelope.keyId);
    if (key === undefined)
      throw new SecretBoxError(
        `secret was encrypted with key ${envelope.keyId}, which is not among the configured keys ` +
          `(${this.keyIds.join(', ')}); add it to FABRIC_SYNC_SECRET_KEYS`,
        envelope.keyId,
      );
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, envelope.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(authenticatedData(key.id, aad));
    decipher.setAuthTag(envelope.tag);
    try {
      return Buffer.concat([decipher.update(envelope.body), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new SecretBoxError(
        `secret encrypted with key ${key.id} failed authentication: it was altered, or belongs to another owner than "${aad}"`,
        key.id,
        { cause: err }, // OpenSSL's generic "unable to authenticate data": no key, no plaintext
      );
    }
  }

  /** True when the ciphertext was made by the current (first) key, so rotation can skip it. */
  isCurrent(ciphertext: string): boolean {
    return parseEnvelope(ciphertext).keyId === this.current.id;
  }

  /** Decrypts with whichever key made it and encrypts again with the current key (same AAD). */
  rotate(ciphertext: string, aad = ''): string {
    return this.encrypt(this.decrypt(ciphertext, aad), aad);
  }

  private get current(): SecretKey {
    return this.keys[0] as SecretKey;
  }
}

const authenticatedData = (keyId: string, aad: string) => Buffer.from(`${VERSION}.${keyId}.${aad}`, 'utf8');

function parseEnvelope(ciphertext: string): Envelope {
  const parts = ciphertext.split('.');
  const [version, keyId, iv, body] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    !keyId ||
    !iv ||
    !body ||
    !parts.every((p) => SEGMENT.test(p))
  )
    throw new SecretBoxError(`not a fabric-sync ciphertext (expected "${VERSION}.<keyId>.<iv>.<data>")`);
  const ivBytes = Buffer.from(iv, 'base64url');
  const data = Buffer.from(body, 'base64url');
  if (ivBytes.length !== IV_BYTES || data.length < TAG_BYTES)
    throw new SecretBoxError(`ciphertext for key ${keyId} is truncated`, keyId);
  return {
    keyId,
    iv: ivBytes,
    body: data.subarray(0, data.length - TAG_BYTES),
    tag: data.subarray(data.length - TAG_BYTES),
  };
}

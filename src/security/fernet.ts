import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Fernet decryption (https://github.com/fernet/spec), only to read the predecessor's exported
 * credentials; fabric-sync itself encrypts with SecretBox.
 *
 * Token = base64url( 0x80 | timestamp (8 bytes, big-endian seconds) | IV (16) | AES-128-CBC
 * ciphertext with PKCS#7 padding | HMAC-SHA256 (32) ). Key = base64url of 32 bytes: the first 16
 * sign, the last 16 encrypt. The HMAC over everything before it is checked, in constant time,
 * before anything is decrypted.
 */
const VERSION = 0x80;
const HEADER_BYTES = 1 + 8 + 16;
const HMAC_BYTES = 32;
const BLOCK = 16;
const MAX_CLOCK_SKEW_SECONDS = 60;
/** Padded base64url only: the spec's vectors refuse standard-alphabet and trailing characters. */
const BASE64URL_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

export type FernetFailure = 'format' | 'version' | 'signature' | 'expired' | 'future' | 'padding' | 'key';

/** Says why a token was refused; never contains the token, key or plaintext. */
export class FernetError extends Error {
  constructor(
    readonly reason: FernetFailure,
    message: string,
  ) {
    super(`invalid Fernet token: ${message}`);
    this.name = 'FernetError';
  }
}

export interface FernetOptions {
  /** Refuse tokens older than this; also refuse timestamps more than 60 s ahead. Unset = no age check. */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

export function decodeFernetKey(key: string): Buffer {
  const bytes = BASE64URL_PADDED.test(key) ? Buffer.from(key, 'base64url') : Buffer.alloc(0);
  if (bytes.length !== 32) throw new FernetError('key', 'the key is not 32 bytes of padded base64url');
  return bytes;
}

export function decryptFernet(token: string, key: string | Buffer, options: FernetOptions = {}): Buffer {
  const keyBytes = typeof key === 'string' ? decodeFernetKey(key) : key;
  if (keyBytes.length !== 32) throw new FernetError('key', `the key is ${keyBytes.length} bytes, not 32`);
  const data = decodeToken(token);
  const signed = data.subarray(0, data.length - HMAC_BYTES);
  const expected = createHmac('sha256', keyBytes.subarray(0, 16)).update(signed).digest();
  if (!timingSafeEqual(expected, data.subarray(data.length - HMAC_BYTES)))
    throw new FernetError('signature', 'the HMAC does not match (wrong key, or the token was altered)');
  if (data[0] !== VERSION) throw new FernetError('version', `version 0x${data[0]?.toString(16)} is not 0x80`);
  checkAge(Number(data.readBigUInt64BE(1)), options);
  return decryptBody(keyBytes.subarray(16), data.subarray(9, HEADER_BYTES), signed.subarray(HEADER_BYTES));
}

function decodeToken(token: string): Buffer {
  if (!BASE64URL_PADDED.test(token)) throw new FernetError('format', 'not padded base64url text');
  const data = Buffer.from(token, 'base64url');
  const cipherLength = data.length - HEADER_BYTES - HMAC_BYTES;
  if (cipherLength < BLOCK || cipherLength % BLOCK !== 0)
    throw new FernetError(
      'format',
      `${data.length} bytes cannot hold a header, whole cipher blocks and an HMAC`,
    );
  return data;
}

function checkAge(timestamp: number, { ttlSeconds, now = new Date() }: FernetOptions): void {
  if (ttlSeconds === undefined) return;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (timestamp + ttlSeconds < nowSeconds) throw new FernetError('expired', `older than ${ttlSeconds} s`);
  if (timestamp > nowSeconds + MAX_CLOCK_SKEW_SECONDS)
    throw new FernetError('future', 'the timestamp is more than 60 s in the future');
}

function decryptBody(encryptionKey: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const decipher = createDecipheriv('aes-128-cbc', encryptionKey, iv);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // OpenSSL's "bad decrypt" only means the PKCS#7 padding was wrong; that is the whole outcome
    throw new FernetError('padding', 'the decrypted padding is invalid');
  }
}

import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Test-only Fernet encryption, written from the spec, to make tokens the way the predecessor
 * (Python `cryptography`) did. Checked against the spec's generate.json vector in fernet.test.ts.
 */
export function encryptFernet(
  plain: Buffer | string,
  key: Buffer,
  { now = new Date(), iv = randomBytes(16) }: { now?: Date; iv?: Buffer } = {},
): string {
  const cipher = createCipheriv('aes-128-cbc', key.subarray(16), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(Math.floor(now.getTime() / 1000)));
  const signed = Buffer.concat([Buffer.from([0x80]), timestamp, iv, body]);
  const hmac = createHmac('sha256', key.subarray(0, 16)).update(signed).digest();
  return Buffer.concat([signed, hmac])
    .toString('base64url')
    .padEnd(Math.ceil((signed.length + 32) / 3) * 4, '=');
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rotateAll } from '../../src/security/rotate.js';
import { SecretBox, SecretBoxError } from '../../src/security/secret-box.js';
import { generateKeyText, keyIdOf, parseKey, parseKeyList } from '../../src/security/secret-keys.js';

const PLAIN = 'cluster-token-0123456789';
const AAD = 'fabric:f1:token';

function tamper(ciphertext: string, segment: number): string {
  const parts = ciphertext.split('.');
  const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret keys', () => {
  it('accepts 64 hex characters and base64: with 32 bytes, both giving the same id', () => {
    const bytes = randomBytes(32);
    const hex = parseKey(bytes.toString('hex'));
    const b64 = parseKey(`base64:${bytes.toString('base64')}`);
    expect(hex.bytes.equals(bytes)).toBe(true);
    expect(b64.id).toBe(hex.id);
    expect(hex.id).toMatch(/^[0-9a-f]{8}$/);
    expect(hex.id).toBe(keyIdOf(bytes));
  });

  it.each([
    ['a passphrase', 'correct horse battery staple and more words', /not 64 hex/],
    ['31 bytes in hex', randomBytes(31).toString('hex'), /not 64 hex/],
    ['33 bytes in base64', `base64:${randomBytes(33).toString('base64')}`, /not 64 hex/],
    ['base64 without the prefix', randomBytes(32).toString('base64'), /not 64 hex/],
    [
      'a 32-character password in base64',
      `base64:${Buffer.from('SuperSecretPassword1234567890!!!').toString('base64')}`,
      /printable text/,
    ],
    ['all zeros', '0'.repeat(64), /distinct bytes/],
    ['a repeated pattern', 'ab01'.repeat(16), /distinct bytes/],
  ])('refuses %s with a message that does not echo it', (_name, text, message) => {
    expect(() => parseKey(text, 2)).toThrow(message);
    expect(() => parseKey(text, 2)).toThrow(/secret key #2/);
    try {
      parseKey(text);
    } catch (err) {
      expect((err as Error).message).not.toContain(text);
    }
  });

  it('parses an ordered list, ignoring blanks, and refuses an empty list or a duplicate', () => {
    const [a, b] = [generateKeyText(), generateKeyText()];
    expect(parseKeyList(` ${a} , ,${b}`).map((k) => k.id)).toEqual([parseKey(a).id, parseKey(b).id]);
    expect(() => parseKeyList(' , ')).toThrow(/no secret key/);
    expect(() => parseKeyList(`${a},${a}`)).toThrow(/#2 .* listed twice/);
  });
});

describe('SecretBox', () => {
  const keyA = generateKeyText();
  const keyB = generateKeyText();
  const boxA = SecretBox.fromKeyList(keyA);

  it('round-trips text, including unicode and the empty string', () => {
    for (const plain of [PLAIN, '', 'ключ 🔑 with\nnew lines'])
      expect(boxA.decrypt(boxA.encrypt(plain, AAD), AAD)).toBe(plain);
  });

  it('writes a versioned ciphertext naming its key, never containing the plaintext, fresh each time', () => {
    const ct = boxA.encrypt(PLAIN, AAD);
    expect(ct).toMatch(new RegExp(`^fsx1\\.${boxA.currentKeyId}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    expect(ct).not.toContain(PLAIN);
    expect(boxA.encrypt(PLAIN, AAD)).not.toBe(ct);
  });

  it('refuses a tampered iv, body, tag or key id, naming the key and never the plaintext', () => {
    const ct = boxA.encrypt(PLAIN, AAD);
    const lastByte = (() => {
      const parts = ct.split('.');
      const bytes = Buffer.from(parts[3] ?? '', 'base64url');
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x80;
      parts[3] = bytes.toString('base64url');
      return parts.join('.');
    })();
    for (const bad of [tamper(ct, 2), tamper(ct, 3), lastByte]) {
      expect(() => boxA.decrypt(bad, AAD)).toThrow(SecretBoxError);
      expect(() => boxA.decrypt(bad, AAD)).toThrow(
        new RegExp(`key ${boxA.currentKeyId} failed authentication`),
      );
    }
    const otherId = ct.replace(`.${boxA.currentKeyId}.`, '.00000000.');
    expect(() => boxA.decrypt(otherId, AAD)).toThrow(/key 00000000, which is not among the configured keys/);
  });

  it('binds a ciphertext to its owner through the AAD', () => {
    const ct = boxA.encrypt(PLAIN, 'fabric:f1:token');
    expect(() => boxA.decrypt(ct, 'fabric:f2:token')).toThrow(/failed authentication.*fabric:f2:token/);
    expect(() => boxA.decrypt(ct)).toThrow(SecretBoxError);
    expect(boxA.decrypt(ct, 'fabric:f1:token')).toBe(PLAIN);
  });

  it('refuses text that is not a ciphertext, and truncated ones', () => {
    for (const bad of ['', PLAIN, 'fsx2.abcd1234.aaaa.bbbb', 'fsx1.abcd1234.aaaa', 'fsx1.k.i.b.extra'])
      expect(() => boxA.decrypt(bad)).toThrow(/not a fabric-sync ciphertext/);
    const ct = boxA.encrypt(PLAIN);
    expect(() => boxA.decrypt(ct.slice(0, ct.lastIndexOf('.') + 8))).toThrow(/truncated/);
  });

  it('with a wrong key names the key id it needs', () => {
    const ct = SecretBox.fromKeyList(keyB).encrypt(PLAIN, AAD);
    let error: unknown;
    try {
      boxA.decrypt(ct, AAD);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).keyId).toBe(parseKey(keyB).id);
    expect((error as Error).message).not.toContain(PLAIN);
  });

  it('encrypts with the first key and decrypts with any listed key', () => {
    const oldCt = boxA.encrypt(PLAIN, AAD);
    const rotatedBox = SecretBox.fromKeyList(`${keyB},${keyA}`);
    expect(rotatedBox.decrypt(oldCt, AAD)).toBe(PLAIN);
    expect(rotatedBox.isCurrent(oldCt)).toBe(false);
    const fresh = rotatedBox.rotate(oldCt, AAD);
    expect(rotatedBox.isCurrent(fresh)).toBe(true);
    expect(fresh.split('.')[1]).toBe(parseKey(keyB).id);
    expect(SecretBox.fromKeyList(keyB).decrypt(fresh, AAD)).toBe(PLAIN);
    expect(() => boxA.decrypt(fresh, AAD)).toThrow(/not among the configured keys/);
  });
});

describe('rotateAll', () => {
  const [k1, k2, k3] = [generateKeyText(), generateKeyText(), generateKeyText()];

  it('re-encrypts every secret of older keys with the current key and leaves current ones alone', () => {
    const items = [
      {
        id: 'fabric:1',
        ciphertext: SecretBox.fromKeyList(k1).encrypt('token-one', 'fabric:1:token'),
        aad: 'fabric:1:token',
      },
      {
        id: 'fabric:2',
        ciphertext: SecretBox.fromKeyList(k2).encrypt('token-two', 'fabric:2:token'),
        aad: 'fabric:2:token',
      },
      { id: 'repo:3', ciphertext: SecretBox.fromKeyList(k3).encrypt('password-3', 'repo:3'), aad: 'repo:3' },
    ];
    const box = SecretBox.fromKeyList([k3, k2, k1].join(','));
    const { rotated, unchanged } = rotateAll(items, box);
    expect(unchanged).toBe(1);
    expect(rotated.map((r) => r.id)).toEqual(['fabric:1', 'fabric:2']);
    const onlyCurrent = SecretBox.fromKeyList(k3);
    expect(rotated.map((r) => onlyCurrent.decrypt(r.ciphertext, r.aad))).toEqual(['token-one', 'token-two']);
  });

  it('fails as a whole, naming the secret, when one cannot be decrypted', () => {
    const good = { id: 'a', ciphertext: SecretBox.fromKeyList(k1).encrypt('aaaaaaa', 'a'), aad: 'a' };
    const swapped = { id: 'b', ciphertext: SecretBox.fromKeyList(k1).encrypt('bbbbbbb', 'a'), aad: 'b' };
    expect(() => rotateAll([good, swapped], SecretBox.fromKeyList(`${k2},${k1}`))).toThrow(
      /cannot rotate secret b: .*failed authentication/,
    );
    expect(() => rotateAll([good], SecretBox.fromKeyList(k2))).toThrow(/cannot rotate secret a: .*not among/);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeFernetKey,
  decryptFernet,
  FernetError,
  type FernetFailure,
} from '../../src/security/fernet.js';
import { encryptFernet } from './support/fernet-encrypt.js';

// Vectors from the public Fernet spec (github.com/fernet/spec: generate.json, verify.json, invalid.json).
const SECRET = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const HELLO_TOKEN =
  'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
const NOW = new Date('1985-10-26T01:20:01-07:00');

const INVALID: readonly { desc: string; token: string; now?: string; reason: FernetFailure }[] = [
  {
    desc: 'incorrect mac',
    token:
      'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==',
    reason: 'signature',
  },
  { desc: 'too short', token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==', reason: 'format' },
  {
    desc: 'invalid base64',
    token:
      '%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    reason: 'format',
  },
  {
    desc: 'payload size not multiple of block size',
    token: 'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm',
    reason: 'format',
  },
  {
    desc: 'payload padding error',
    token:
      'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==',
    reason: 'padding',
  },
  {
    desc: 'far-future TS (unacceptable clock skew)',
    token:
      'gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==',
    reason: 'future',
  },
  {
    desc: 'expired TTL',
    token:
      'gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==',
    now: '1985-10-26T01:21:31-07:00',
    reason: 'expired',
  },
  {
    desc: 'incorrect IV (causes padding error)',
    token:
      'gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==',
    reason: 'padding',
  },
  { desc: 'trailing characters after b64 padding', token: `${HELLO_TOKEN}trailingdata`, reason: 'format' },
  {
    desc: 'invalid characters in b64',
    token:
      '*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
    reason: 'format',
  },
  {
    desc: 'invalid non-urlsafe characters in b64',
    token:
      'gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==',
    reason: 'format',
  },
];

function failureOf(fn: () => unknown): FernetFailure | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof FernetError) return err.reason;
    throw err;
  }
}

describe('Fernet (spec vectors)', () => {
  it('verify.json: decrypts "hello" within its 60 s TTL', () => {
    expect(decryptFernet(HELLO_TOKEN, SECRET, { ttlSeconds: 60, now: NOW }).toString()).toBe('hello');
  });

  it('decrypts without a TTL however old the token is, as the predecessor did', () => {
    expect(decryptFernet(HELLO_TOKEN, SECRET).toString()).toBe('hello');
  });

  it('generate.json: our test encoder makes the spec token from its inputs', () => {
    const token = encryptFernet('hello', decodeFernetKey(SECRET), {
      now: new Date('1985-10-26T01:20:00-07:00'),
      iv: Buffer.from([...Array(16).keys()]),
    });
    expect(token).toBe(HELLO_TOKEN);
  });

  it.each(INVALID)('invalid.json: refuses "$desc" ($reason)', ({ token, now, reason }) => {
    const options = { ttlSeconds: 60, now: now === undefined ? NOW : new Date(now) };
    expect(failureOf(() => decryptFernet(token, SECRET, options))).toBe(reason);
  });

  it('checks the HMAC before the version byte or anything else', () => {
    const key = decodeFernetKey(SECRET);
    const data = Buffer.from(HELLO_TOKEN, 'base64url');
    data[0] = 0x81;
    expect(failureOf(() => decryptFernet(data.toString('base64url') + '==', key))).toBe('signature');
    const resigned = Buffer.concat([
      data.subarray(0, data.length - 32),
      createHmac('sha256', key.subarray(0, 16))
        .update(data.subarray(0, data.length - 32))
        .digest(),
    ]);
    expect(failureOf(() => decryptFernet(resigned.toString('base64url') + '==', key))).toBe('version');
  });

  it('refuses a wrong key as a signature failure without echoing token or key', () => {
    const other = Buffer.alloc(32, 7);
    try {
      decryptFernet(HELLO_TOKEN, other);
      expect.unreachable('a wrong key was accepted');
    } catch (err) {
      expect(err).toMatchObject({ reason: 'signature' });
      expect((err as Error).message).not.toContain(HELLO_TOKEN.slice(0, 20));
    }
    expect(failureOf(() => decryptFernet(HELLO_TOKEN, 'short'))).toBe('key');
    expect(failureOf(() => decryptFernet(HELLO_TOKEN, Buffer.alloc(16)))).toBe('key');
  });

  it('round-trips longer payloads of several blocks', () => {
    const key = decodeFernetKey(SECRET);
    const plain = JSON.stringify({ token: 'x'.repeat(100), note: 'ünïcödé' });
    expect(decryptFernet(encryptFernet(plain, key), key).toString('utf8')).toBe(plain);
  });
});

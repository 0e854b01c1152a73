import { describe, expect, it } from 'vitest';
import { decodeLegacyCredentials, legacyFernetKey } from '../../src/security/legacy-import.js';
import { encryptFernet } from './support/fernet-encrypt.js';

const DJANGO_SECRET_KEY = 'django-insecure-7#x!q$w9r@e1t%y2u^i3o&p4(a5)s6d7f8g9h0j';

/**
 * `encrypted_credentials` values made by Python `cryptography` 48 exactly as the predecessor did:
 * Fernet(urlsafe_b64encode(SECRET_KEY.encode()[:32].ljust(32, b'\0'))).encrypt(json.dumps(creds)),
 * then base64 of the token text.
 */
const PYTHON_MADE = {
  token:
    'Z0FBQUFBQnJDRUJMdEUxRDFZdVBYNVJ5bk9LdXRrY0VFMEcwSWl4Ym9iYksyN2paakM0Vmt6aEZXTzF3R1h0UVZ1N1c4aU5FQUVhTGRmeW5XZkY1bnlnNkY5eF8zV1hPTHVveFhQcU5VZDBJaV9wNHdLTVhUWjFmRU54S096eXpMamMtZHdQanF0V0U=',
  basic:
    'Z0FBQUFBQnJDRUJMTDNwYXN3ajhzUk1teW44NU1aa3F5ZE9hZWhpVmxBVW9FbDZhMTRwS1QxOXpvR0FWdWhxa1J0Y2h5cmE0alo3a0Mta0laNW8zXzhUaGNHZGg0OTJRNUNGY2hqdzVMcjFrclZmWUtMZVJXVGxpeko1ZnhkTldYQS1XZUNlVjVaM213WDQycTdWR19lelEwWHFzT0hkUW1BPT0=',
  ssh_key:
    'Z0FBQUFBQnJDRUJMS3J4bWgtXzJkLXhycjRuam9KM19QUjZQdUktQlpJTGp4NFNPZmJEclhjUFBSN211QXVZcFBTN1R1YXFqa3M3Znh6QlBycFBlajNBaXZUWG1oRXNaVDM5QmRldFJlaHUzS25YdGMycHlkZHJTVHVCSDJpNjlKWTlyZnRMR0xTMHhQUU1iZ3lsN2U5M3B2UjBHT3FBbnoxSmNRQl94dE1FemJrWVVMWTRXMHU2VDJqZS1aaEtORm9TZ0o1ZkFac0tPdmFPdGFPdG41enRlTjB0QkVrTWM0cjNsaVdzNkZ1SnQ4dF9WWkl4XzhLbFhGMEc1YXAzUjRUdHF0UEZyU0Y0Vg==',
  oauth:
    'Z0FBQUFBQnJDRUJMbjJodEM3c2h1RVpsQzFrODM3QXJHb2NMWVl1NGxzUHVVcDVvelJPUzI3clN2eVhHaUFfa1RKQ2dmNUJxZG1Rdm9CRTd5QThDU291Qm9xY1BEMEk2c2tENmVpRTZwQ19KUDR1eGU4S0ZmZDNUZHVFZVZESFY2Z3RETGU4QllpaENvWGJmb21VZjRtYng3VjIyajlYZ0FLNU00M1FHTzZtb0tBQzhZclNxVmxhaGpqaDBERFIxaXVJcnNLRUxLQ3RJ',
} as const;

const dumpdata = (rows: { pk: number; name: string; type: string; creds: string }[]) =>
  JSON.stringify([
    { model: 'netbox_hedgehog.hedgehogfabric', pk: 1, fields: { name: 'f1', kubernetes_token: 'ignored' } },
    ...rows.map(({ pk, name, type, creds }) => ({
      model: 'netbox_hedgehog.gitrepository',
      pk,
      fields: {
        name,
        url: `https://git.example.com/${name}.git`,
        authentication_type: type,
        encrypted_credentials: creds,
      },
    })),
  ]);

describe('legacyFernetKey', () => {
  it('takes the first 32 UTF-8 bytes of SECRET_KEY, zero-padding shorter ones', () => {
    expect(legacyFernetKey(DJANGO_SECRET_KEY).toString('latin1')).toBe(DJANGO_SECRET_KEY.slice(0, 32));
    expect([...legacyFernetKey('short')]).toEqual([...Buffer.from('short'), ...Array<number>(27).fill(0)]);
    const multibyte = legacyFernetKey('ü'.repeat(20));
    expect(multibyte).toHaveLength(32);
    expect(multibyte.equals(Buffer.from('ü'.repeat(16)))).toBe(true);
  });
});

describe('decodeLegacyCredentials', () => {
  it('reads credentials the predecessor stored with Python cryptography, for every auth type', () => {
    const text = dumpdata([
      { pk: 4, name: 'tok', type: 'token', creds: PYTHON_MADE.token },
      { pk: 5, name: 'basic', type: 'basic', creds: PYTHON_MADE.basic },
      { pk: 6, name: 'ssh', type: 'ssh_key', creds: PYTHON_MADE.ssh_key },
      { pk: 7, name: 'oauth', type: 'oauth', creds: PYTHON_MADE.oauth },
      { pk: 8, name: 'public', type: 'token', creds: '' },
    ]);
    const { repositories, failures } = decodeLegacyCredentials(text, DJANGO_SECRET_KEY);
    expect(failures).toEqual([]);
    expect(repositories).toEqual([
      {
        legacyId: '4',
        name: 'tok',
        url: 'https://git.example.com/tok.git',
        auth: { kind: 'TOKEN', secret: 'ghp_LegacyToken0123456789' },
      },
      {
        legacyId: '5',
        name: 'basic',
        url: 'https://git.example.com/basic.git',
        auth: { kind: 'BASIC', username: 'deploy', secret: 'Pa55-word!' },
      },
      {
        legacyId: '6',
        name: 'ssh',
        url: 'https://git.example.com/ssh.git',
        auth: {
          kind: 'SSH_KEY',
          privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n',
          passphrase: 'phrase-123',
        },
      },
      {
        legacyId: '7',
        name: 'oauth',
        url: 'https://git.example.com/oauth.git',
        auth: { kind: 'TOKEN', secret: 'gho_OauthToken987' },
      },
      { legacyId: '8', name: 'public', url: 'https://git.example.com/public.git', auth: { kind: 'NONE' } },
    ]);
  });

  it('reads plain rows, and tokens whose outer base64 was already removed', () => {
    const key = legacyFernetKey('another-secret-key');
    const token = encryptFernet(JSON.stringify({ token: 'plain-row-token' }), key);
    const rows = [
      {
        id: 1,
        name: 'a',
        url: 'https://a',
        authentication_type: 'token',
        encrypted_credentials: Buffer.from(token).toString('base64'),
      },
      { id: 2, name: 'b', url: 'https://b', authentication_type: 'token', encrypted_credentials: token },
    ];
    const { repositories, failures } = decodeLegacyCredentials(JSON.stringify(rows), 'another-secret-key');
    expect(failures).toEqual([]);
    expect(repositories.map((r) => [r.legacyId, r.auth.secret])).toEqual([
      ['1', 'plain-row-token'],
      ['2', 'plain-row-token'],
    ]);
  });

  it('reports every row as failed with a wrong SECRET_KEY, without any credential text', () => {
    const text = dumpdata([
      { pk: 4, name: 'tok', type: 'token', creds: PYTHON_MADE.token },
      { pk: 5, name: 'basic', type: 'basic', creds: PYTHON_MADE.basic },
    ]);
    const { repositories, failures } = decodeLegacyCredentials(text, 'not-the-django-secret-key');
    expect(repositories).toEqual([]);
    expect(failures).toEqual([
      { legacyId: '4', name: 'tok', reason: expect.stringMatching(/HMAC does not match/) as unknown },
      { legacyId: '5', name: 'basic', reason: expect.stringMatching(/HMAC does not match/) as unknown },
    ]);
  });

  it('fails single rows whose payload is unusable, and keeps the rest', () => {
    const key = legacyFernetKey(DJANGO_SECRET_KEY);
    const wrap = (plain: string) => Buffer.from(encryptFernet(plain, key)).toString('base64');
    const text = dumpdata([
      { pk: 1, name: 'good', type: 'token', creds: PYTHON_MADE.token },
      { pk: 2, name: 'not-json', type: 'token', creds: wrap('secret-value-not-json') },
      { pk: 3, name: 'no-password', type: 'basic', creds: wrap('{"username": "u"}') },
      { pk: 4, name: 'odd-type', type: 'kerberos', creds: wrap('{"token": "t"}') },
      { pk: 5, name: 'garbage', type: 'token', creds: 'bm90IGEgdG9rZW4=' },
    ]);
    const { repositories, failures } = decodeLegacyCredentials(text, DJANGO_SECRET_KEY);
    expect(repositories.map((r) => r.name)).toEqual(['good']);
    expect(failures.map((f) => [f.name, f.reason])).toEqual([
      ['not-json', 'decrypted credentials are not JSON'],
      ['no-password', 'basic credentials lack secret'],
      ['odd-type', 'unknown authentication_type "kerberos"'],
      ['garbage', 'invalid Fernet token: not padded base64url text'],
    ]);
    expect(JSON.stringify(failures)).not.toContain('secret-value-not-json');
  });

  it('refuses an export that is not a JSON array, without quoting it', () => {
    expect(() => decodeLegacyCredentials('{"token": "abc', DJANGO_SECRET_KEY)).toThrow(
      /^legacy export is not valid JSON$/,
    );
    expect(() => decodeLegacyCredentials('{}', DJANGO_SECRET_KEY)).toThrow(/must be a JSON array/);
    expect(() => decodeLegacyCredentials('[1]', DJANGO_SECRET_KEY)).toThrow(/item 0 is not an object/);
  });
});

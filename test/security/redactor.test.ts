import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redactingDestination, redactingPinoOptions } from '../../src/security/pino-redaction.js';
import { REDACTED, Redactor } from '../../src/security/redactor.js';

const SECRET = 'hunter2-s3cr3t/+?&=';

function redactorWith(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor;
}

describe('Redactor: known secrets', () => {
  const redactor = redactorWith(SECRET);

  it.each([
    ['raw', `git said: ${SECRET} was refused`],
    ['URL-encoded', `https://example.com/x?t=${encodeURIComponent(SECRET)}`],
    ['JSON-escaped', JSON.stringify({ note: `line1\n${'with "quotes" and ' + SECRET}` })],
    ['base64', `data: ${Buffer.from(SECRET).toString('base64')}`],
    ['base64url', `data: ${Buffer.from(SECRET).toString('base64url')}`],
    ['base64 of user:password (HTTP Basic)', `Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`],
    ['base64 after one byte', Buffer.from(`a${SECRET}b`).toString('base64')],
    ['base64 after two bytes', Buffer.from(`ab${SECRET}cd`).toString('base64')],
    ['base64 after three bytes', Buffer.from(`abc${SECRET}`).toString('base64url')],
  ])('hides the %s form', (_form, text) => {
    const out = redactor.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
    for (const offset of [0, 1, 2]) {
      const core = Buffer.from(`${'x'.repeat(offset)}${SECRET}`)
        .toString('base64')
        .slice(4, 16);
      expect(out).not.toContain(core);
    }
  });

  it('leaves text without secrets untouched', () => {
    const text = 'synced 12 records from refs/heads/main at 3f2c1a';
    expect(redactor.redact(text)).toBe(text);
  });

  it('ignores secrets shorter than 6 characters, which would blank ordinary words', () => {
    const r = redactorWith('admin', undefined as unknown as string, '');
    expect(r.size).toBe(0);
    expect(r.redact('admin logged in')).toBe('admin logged in');
  });

  it('forgets a removed secret only when every owner removed it', () => {
    const r = redactorWith('shared-token-1', 'shared-token-1');
    r.remove('shared-token-1');
    expect(r.redact('shared-token-1')).toBe(REDACTED);
    r.remove('shared-token-1');
    expect(r.redact('shared-token-1')).toBe('shared-token-1');
    r.remove('never-added-1');
    expect(r.size).toBe(0);
  });

  it('finds secrets added after it was first used, and forgets removed ones', () => {
    const r = redactorWith('first-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${REDACTED} second-secret`);
    r.add('second-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${REDACTED} ${REDACTED}`);
    r.remove('first-secret');
    expect(r.redact('first-secret second-secret')).toBe(`first-secret ${REDACTED}`);
  });

  it('prefers the longest secret when one contains another', () => {
    for (const r of [redactorWith('abcdef', 'abcdef-longer'), redactorWith('abcdef-longer', 'abcdef')]) {
      r.redact('build the matcher first');
      r.add('abcdef-longest');
      expect(r.redact('x abcdef-longer y abcdef z abcdef-longest')).toBe(
        `x ${REDACTED} y ${REDACTED} z ${REDACTED}`,
      );
    }
  });

  it('handles thousands of secrets, finding each one', () => {
    const secrets = Array.from({ length: 3000 }, () => randomBytes(12).toString('hex'));
    const r = redactorWith(...secrets);
    const line = `a=${secrets[0]} b=${secrets[1500]} c=${secrets[2999]} d=${randomBytes(12).toString('hex')}`;
    const out = r.redact(line);
    expect(out.split(REDACTED)).toHaveLength(4);
    expect(out).toMatch(/d=[0-9a-f]{24}$/);
  });
});

describe('Redactor: secrets recognised by shape', () => {
  const redactor = new Redactor();

  it.each([
    ['a Bearer token', 'Authorization failed for Bearer abc.DEF-123_~+/=', 'abc.DEF-123'],
    ['an Authorization header value', '{"authorization":"Basic dXNlcjpwYXNzd29yZA=="}', 'dXNlcjpwYXNzd29yZA'],
    [
      'Basic credentials outside a header',
      `curl -H 'X-Upstream: Basic ${Buffer.from('bob:n0t-a-known-pw').toString('base64')}' failed`,
      Buffer.from('bob:n0t-a-known-pw').toString('base64').slice(0, 12),
    ],
    ['unpadded Basic credentials', 'retrying with basic Ym9iOnB3ZA;', 'Ym9iOnB3ZA'],
    ['an fst_ API token', `token fst_${'A1b2-_'.repeat(7)}x leaked`, 'A1b2-_A1b2'],
    [
      'URL user and password',
      'fatal: unable to access https://bob:pa55w0rd@git.example.com/r.git/',
      'pa55w0rd',
    ],
    ['a token used as URL user', 'clone https://ghp_abcdef123456@github.com/o/r failed', 'ghp_abcdef123456'],
    ['a password= query value', 'GET /login?user=bob&password=pa55w0rd&x=1', 'pa55w0rd'],
    ['a private_token= value', 'url ?private_token=glpat-xyz123 ok', 'glpat-xyz123'],
    ['a token= key/value', 'retry with token=tok_98765;', 'tok_98765'],
  ])('hides %s', (_name, text, secret) => {
    const out = redactor.redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(secret);
  });

  it('keeps the word Basic in prose and challenges: only base64 of user:password is a credential', () => {
    const text = 'the server wants Basic auth (WWW-Authenticate: Basic realm="git"); basic configuration';
    expect(redactor.redact(text)).toBe(text);
  });

  it('hides a PEM private key block, even a truncated one, and keeps certificates', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----';
    const cert = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';
    const out = redactor.redact(`before\n${key}\n${cert}\nafter`);
    expect(out).toBe(`before\n${REDACTED} private key\n${cert}\nafter`);
    expect(redactor.redact('x -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNza')).toBe(
      `x ${REDACTED} private key`,
    );
  });

  it('keeps the plain user of an ssh URL and the host of every URL', () => {
    expect(redactor.redact('ssh://git@github.com/o/r.git')).toBe('ssh://git@github.com/o/r.git');
    expect(redactor.redact('https://u:p@h.example/x')).toBe(`https://${REDACTED}@h.example/x`);
  });
});

describe('Redactor.redactDeep', () => {
  const redactor = redactorWith(SECRET);

  it('copies objects and arrays with every string redacted, leaving the input alone', () => {
    const input = { a: [`x ${SECRET}`, 3, null, true], nested: { b: SECRET, when: new Date(0) } };
    const out = redactor.redactDeep(input);
    expect(out).toEqual({ a: [`x ${REDACTED}`, 3, null, true], nested: { b: REDACTED, when: new Date(0) } });
    expect(input.nested.b).toBe(SECRET);
  });

  it('blanks string values under secret-sounding keys, whatever they hold', () => {
    const out = redactor.redactDeep({
      password: 'short',
      clusterToken: 'abc',
      'x-gitlab-token': 'gl',
      private_key: 'k',
      tokenId: 'tok-1',
      name: 'fabric-1',
      token: '',
    });
    expect(out).toEqual({
      password: REDACTED,
      clusterToken: REDACTED,
      'x-gitlab-token': REDACTED,
      private_key: REDACTED,
      tokenId: 'tok-1',
      name: 'fabric-1',
      token: '',
    });
  });

  it('keeps errors as errors of the same class with message, stack and cause redacted', () => {
    class GitError extends Error {
      constructor(
        message: string,
        readonly stderr: string,
        options?: ErrorOptions,
      ) {
        super(message, options);
        this.name = 'GitError';
      }
    }
    const err = new GitError(`clone failed with ${SECRET}`, `fatal: ${SECRET}`, { cause: new Error(SECRET) });
    const out = redactor.redactDeep(err);
    expect(out).toBeInstanceOf(GitError);
    expect(out.name).toBe('GitError');
    expect(out.message).toBe(`clone failed with ${REDACTED}`);
    expect(out.stderr).toBe(`fatal: ${REDACTED}`);
    expect(out.stack).toContain(`clone failed with ${REDACTED}`);
    expect(out.stack).not.toContain(SECRET);
    expect((out.cause as Error).message).toBe(REDACTED);
  });

  it('redacts the errors inside an AggregateError', () => {
    const out = redactor.redactDeep(new AggregateError([new Error(`inner ${SECRET}`)], 'several failed'));
    expect(out).toBeInstanceOf(AggregateError);
    expect(out.errors.map((e: Error) => e.message)).toEqual([`inner ${REDACTED}`]);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { s: SECRET };
    a['self'] = a;
    const out = redactor.redactDeep(a);
    expect(out['s']).toBe(REDACTED);
    expect(out['self']).toBe(out);
  });
});

describe('redactingPinoOptions', () => {
  function capture(redactor: Redactor) {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino(
      { level: 'debug', ...redactingPinoOptions(redactor) },
      redactingDestination(redactor, stream),
    );
    return { log, lines };
  }

  it('redacts messages, format arguments, merged objects, errors and child bindings', () => {
    const redactor = redactorWith(SECRET);
    const { log, lines } = capture(redactor);
    log.info(`plain ${SECRET}`);
    log.warn('formatted %s and %j', SECRET, { k: SECRET });
    log.error({ err: new Error(`boom ${SECRET}`), repo: { url: `https://x:${SECRET}@h/r` } }, 'clone failed');
    log.error(new Error(`direct ${SECRET}`));
    log.child({ note: SECRET, url: `https://${encodeURIComponent(SECRET)}@h/r` }).debug('child line');
    log.info({ clusterToken: 'short-but-named', fabric: 'f1' }, 'named secret');
    expect(lines).toHaveLength(6);
    const all = lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('short-but-named');
    expect(all).not.toContain(encodeURIComponent(SECRET));
    expect(JSON.parse(lines[2] ?? '{}')).toMatchObject({
      err: { type: 'Error', message: `boom ${REDACTED}` },
    });
    expect(JSON.parse(lines[3] ?? '{}')).toMatchObject({ err: { type: 'Error' }, msg: `direct ${REDACTED}` });
    expect(JSON.parse(lines[4] ?? '{}')).toMatchObject({ note: REDACTED, url: `https://${REDACTED}@h/r` });
    expect(JSON.parse(lines[5] ?? '{}')).toMatchObject({ clusterToken: REDACTED, fabric: 'f1' });
  });

  it('keeps every line valid JSON when secrets sit next to quotes and escapes', () => {
    const redactor = redactorWith('quote"and\\slash');
    const { log, lines } = capture(redactor);
    log.info({ a: 'x quote"and\\slash y', b: 'https://h","k":"a@b' }, 'password=p\\"w authorization: x"');
    log.info('truncated -----BEGIN PRIVATE KEY-----\nMIIEv');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.join('')).not.toContain('quote');
    expect(lines.join('')).not.toContain('MIIEv');
  });

  it('picks up secrets added after the logger was built', () => {
    const redactor = new Redactor();
    const { log, lines } = capture(redactor);
    redactor.add('late-secret-value');
    log.info('now late-secret-value appears');
    expect(lines[0]).toContain(`now ${REDACTED} appears`);
  });
});

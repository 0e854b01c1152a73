import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { parsePushEvent } from '../../src/security/webhook-payloads.js';
import {
  detectProvider,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookProvider,
} from '../../src/security/webhook-signatures.js';

const SECRET = 'whsec-repository-42';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const BODY = Buffer.from(
  JSON.stringify({
    ref: 'refs/heads/main',
    before: 'f'.repeat(40),
    after: COMMIT,
    repository: {
      clone_url: 'https://git.example.com/org/fabrics.git',
      ssh_url: 'git@git.example.com:org/fabrics.git',
    },
  }),
);
const hmac = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

/** Headers exactly as each host sends them for a push signed with `secret`. */
const SIGNED: Record<WebhookProvider, (secret: string, body: Buffer) => WebhookHeaders> = {
  github: (secret, body) => ({
    'x-github-event': 'push',
    'x-hub-signature-256': `sha256=${hmac(secret, body)}`,
  }),
  gitea: (secret, body) => ({
    'x-gitea-event': 'push',
    'x-github-event': 'push',
    'x-gitea-signature': hmac(secret, body),
    'x-hub-signature-256': `sha256=${hmac(secret, body)}`,
  }),
  gitlab: (secret) => ({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret }),
};
const PROVIDERS = Object.keys(SIGNED) as WebhookProvider[];

describe('verifyWebhook', () => {
  it.each(PROVIDERS)('%s: accepts a correctly signed body', (provider) => {
    const headers = SIGNED[provider](SECRET, BODY);
    expect(detectProvider(headers)).toBe(provider);
    expect(verifyWebhook(provider, headers, BODY, SECRET)).toBe(true);
    expect(verifyWebhook(provider, headers, BODY.toString('utf8'), SECRET)).toBe(true);
  });

  it.each(PROVIDERS)('%s: refuses another secret', (provider) => {
    expect(verifyWebhook(provider, SIGNED[provider]('another-secret', BODY), BODY, SECRET)).toBe(false);
  });

  it.each(PROVIDERS.filter((p) => p !== 'gitlab'))('%s: refuses a body changed after signing', (provider) => {
    const changed = Buffer.from(BODY.toString().replace('main', 'prod'));
    expect(verifyWebhook(provider, SIGNED[provider](SECRET, BODY), changed, SECRET)).toBe(false);
  });

  it.each(PROVIDERS)('%s: refuses a request without its signature header', (provider) => {
    const headers = { ...SIGNED[provider](SECRET, BODY) };
    for (const name of ['x-hub-signature-256', 'x-gitea-signature', 'x-gitlab-token']) delete headers[name];
    expect(verifyWebhook(provider, headers, BODY, SECRET)).toBe(false);
  });

  it.each(PROVIDERS)('%s: never accepts with an empty configured secret', (provider) => {
    expect(verifyWebhook(provider, SIGNED[provider]('', BODY), BODY, '')).toBe(false);
  });

  it('refuses malformed and repeated signature headers', () => {
    const good = hmac(SECRET, BODY);
    expect(verifyWebhook('github', { 'x-hub-signature-256': good }, BODY, SECRET)).toBe(false);
    expect(verifyWebhook('github', { 'x-hub-signature-256': `sha1=${good}` }, BODY, SECRET)).toBe(false);
    expect(verifyWebhook('github', { 'x-hub-signature-256': `sha256=${good.slice(2)}` }, BODY, SECRET)).toBe(
      false,
    );
    expect(verifyWebhook('gitea', { 'x-gitea-signature': `${good}00` }, BODY, SECRET)).toBe(false);
    expect(verifyWebhook('gitea', { 'x-gitea-signature': [good, good] }, BODY, SECRET)).toBe(false);
    expect(verifyWebhook('gitlab', { 'x-gitlab-token': `${SECRET} ` }, BODY, SECRET)).toBe(false);
  });

  it('matches header names case-insensitively and accepts upper-case hex', () => {
    const headers = { 'X-Hub-Signature-256': `sha256=${hmac(SECRET, BODY).toUpperCase()}` };
    expect(verifyWebhook('github', headers, BODY, SECRET)).toBe(true);
  });
});

describe('detectProvider', () => {
  it('tells Gitea from GitHub although Gitea sends GitHub headers too', () => {
    expect(detectProvider({ 'X-GitHub-Event': 'push', 'X-Gitea-Event': 'push' })).toBe('gitea');
    expect(detectProvider({ 'X-GitHub-Event': 'push' })).toBe('github');
    expect(detectProvider({ 'X-Gitlab-Event': 'Push Hook' })).toBe('gitlab');
    expect(detectProvider({ 'content-type': 'application/json' })).toBeNull();
  });
});

describe('parsePushEvent', () => {
  it.each(['github', 'gitea'] as const)('%s: reads ref, branch, commit and repository URLs', (provider) => {
    expect(parsePushEvent(provider, SIGNED[provider](SECRET, BODY), BODY)).toEqual({
      provider,
      ref: 'refs/heads/main',
      branch: 'main',
      after: COMMIT,
      deleted: false,
      repositoryUrls: ['https://git.example.com/org/fabrics.git', 'git@git.example.com:org/fabrics.git'],
    });
  });

  it('gitlab: reads the project and repository URLs of a push hook', () => {
    const body = JSON.stringify({
      object_kind: 'push',
      ref: 'refs/heads/feature/x',
      after: COMMIT,
      checkout_sha: COMMIT,
      project: {
        git_http_url: 'https://gitlab.example.com/g/p.git',
        git_ssh_url: 'git@gitlab.example.com:g/p.git',
      },
      repository: {
        git_http_url: 'https://gitlab.example.com/g/p.git',
        homepage: 'https://gitlab.example.com/g/p',
      },
    });
    expect(parsePushEvent('gitlab', SIGNED.gitlab(SECRET, BODY), body)).toEqual({
      provider: 'gitlab',
      ref: 'refs/heads/feature/x',
      branch: 'feature/x',
      after: COMMIT,
      deleted: false,
      repositoryUrls: [
        'https://gitlab.example.com/g/p.git',
        'git@gitlab.example.com:g/p.git',
        'https://gitlab.example.com/g/p',
      ],
    });
  });

  it('marks tags as having no branch and deleted refs as deleted', () => {
    const tag = JSON.stringify({ ref: 'refs/tags/v1', after: COMMIT, repository: {} });
    expect(parsePushEvent('github', { 'x-github-event': 'push' }, tag)).toMatchObject({
      branch: null,
      repositoryUrls: [],
    });
    const deleted = JSON.stringify({ ref: 'refs/heads/old', after: '0'.repeat(40) });
    expect(parsePushEvent('gitea', { 'x-gitea-event': 'push' }, deleted)).toMatchObject({
      branch: 'old',
      deleted: true,
    });
  });

  it('ignores events other than pushes', () => {
    expect(parsePushEvent('github', { 'x-github-event': 'ping' }, '{"zen":"hi"}')).toBeNull();
    expect(parsePushEvent('gitlab', { 'x-gitlab-event': 'Merge Request Hook' }, '{}')).toBeNull();
    expect(parsePushEvent('gitea', {}, BODY)).toBeNull();
  });

  it.each([
    ['not JSON', '{ref:', 'body'],
    ['an array', '[]', 'body'],
    ['no ref', JSON.stringify({ after: COMMIT }), 'ref'],
    ['no commit', JSON.stringify({ ref: 'refs/heads/main', after: 'HEAD' }), 'after'],
  ])('refuses a push payload that is %s as BAD_USER_INPUT on %s', (_name, body, field) => {
    try {
      parsePushEvent('github', { 'x-github-event': 'push' }, body);
      expect.unreachable('a malformed payload was accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
    }
  });
});

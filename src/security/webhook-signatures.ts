import { createHmac, timingSafeEqual } from 'node:crypto';
import { secretsEqual } from './constant-time.js';

/**
 * Verification of Git hosting webhooks, each with the repository's own webhook secret:
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`
 * - Gitea (and Forgejo): `X-Gitea-Signature: <hex HMAC-SHA256 of the raw body>`
 * - GitLab: `X-Gitlab-Token: <the secret itself>` (GitLab signs nothing; it echoes the secret)
 * The HMAC must be computed over the exact bytes received, before any JSON parsing.
 */
export type WebhookProvider = 'github' | 'gitlab' | 'gitea';

/** Node's IncomingHttpHeaders, or any header map; names are matched case-insensitively. */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The value of a header sent exactly once, or undefined (absent or repeated: both refused). */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values = Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === wanted)
    .flatMap(([, value]) => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]));
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Which host sent the webhook. Gitea is checked first because it also sends GitHub's
 * `X-GitHub-Event` header for compatibility.
 */
export function detectProvider(headers: WebhookHeaders): WebhookProvider | null {
  const has = (name: string) => headerValue(headers, name) !== undefined;
  if (has('x-gitea-event') || has('x-gitea-signature')) return 'gitea';
  if (has('x-gitlab-event') || has('x-gitlab-token')) return 'gitlab';
  if (has('x-github-event') || has('x-hub-signature-256')) return 'github';
  return null;
}

/** False for a missing or wrong signature, and always false with an empty secret. */
export function verifyWebhook(
  provider: WebhookProvider,
  headers: WebhookHeaders,
  rawBody: Buffer | string,
  secret: string,
): boolean {
  if (secret === '') return false;
  switch (provider) {
    case 'github': {
      const signature = /^sha256=([0-9a-f]{64})$/i.exec(
        headerValue(headers, 'x-hub-signature-256') ?? '',
      )?.[1];
      return signature !== undefined && hexEqual(signature, hmacHex(secret, rawBody));
    }
    case 'gitea': {
      const signature = headerValue(headers, 'x-gitea-signature') ?? '';
      return /^[0-9a-f]{64}$/i.test(signature) && hexEqual(signature, hmacHex(secret, rawBody));
    }
    case 'gitlab':
      return secretsEqual(headerValue(headers, 'x-gitlab-token') ?? '', secret);
  }
}

const hmacHex = (secret: string, body: Buffer | string) =>
  createHmac('sha256', secret).update(body).digest('hex');

const hexEqual = (a: string, b: string) =>
  timingSafeEqual(Buffer.from(a.toLowerCase(), 'hex'), Buffer.from(b.toLowerCase(), 'hex'));

import { badInput } from '../domain/errors.js';
import { isJsonObject } from '../domain/manifest.js';
import { headerValue, type WebhookHeaders, type WebhookProvider } from './webhook-signatures.js';

/** What a verified push webhook tells the scheduler: which repository, which ref, which commit. */
export interface PushEvent {
  readonly provider: WebhookProvider;
  /** Full ref, e.g. `refs/heads/main` or `refs/tags/v1`. */
  readonly ref: string;
  /** Branch name for `refs/heads/*`, null for tags and other refs. */
  readonly branch: string | null;
  /** Commit the ref points to after the push (all zeros when the ref was deleted). */
  readonly after: string;
  readonly deleted: boolean;
  /** Every URL the payload gives for the repository (https clone, ssh, web), to match a configured one. */
  readonly repositoryUrls: string[];
}

const EVENT_HEADER: Record<WebhookProvider, string> = {
  github: 'x-github-event',
  gitea: 'x-gitea-event',
  gitlab: 'x-gitlab-event',
};
const PUSH_EVENTS: Record<WebhookProvider, readonly string[]> = {
  github: ['push'],
  gitea: ['push'],
  gitlab: ['Push Hook', 'Tag Push Hook'],
};
/** Where each host puts the repository's URLs (GitHub and Gitea share a payload shape). */
const URL_FIELDS: Record<WebhookProvider, readonly (readonly [string, string])[]> = {
  github: ['clone_url', 'ssh_url', 'html_url', 'git_url'].map((f) => ['repository', f] as const),
  gitea: ['clone_url', 'ssh_url', 'html_url'].map((f) => ['repository', f] as const),
  gitlab: [
    ...['git_http_url', 'git_ssh_url', 'http_url', 'ssh_url', 'web_url'].map((f) => ['project', f] as const),
    ...['git_http_url', 'git_ssh_url', 'homepage', 'url'].map((f) => ['repository', f] as const),
  ],
};
const NULL_COMMIT = /^0+$/;
/** The id each host gives a delivery; its own redelivery of the same event keeps the id. */
const DELIVERY_HEADER: Record<WebhookProvider, string> = {
  github: 'x-github-delivery',
  gitea: 'x-gitea-delivery',
  gitlab: 'x-gitlab-event-uuid',
};
const DELIVERY_ID = /^[\x21-\x7e]{1,255}$/;

/**
 * The delivery id of a webhook, or null when the host sent none (older GitLab) or sent it twice;
 * BAD_USER_INPUT when it is not a short printable token.
 */
export function deliveryIdOf(provider: WebhookProvider, headers: WebhookHeaders): string | null {
  const id = headerValue(headers, DELIVERY_HEADER[provider]);
  if (id === undefined) return null;
  if (!DELIVERY_ID.test(id))
    throw badInput('delivery', `${DELIVERY_HEADER[provider]} must be at most 255 printable characters`);
  return id;
}

/**
 * Parses a push webhook body (call verifyWebhook first). Returns null for other events (GitHub's
 * `ping`, merge requests…), which the caller acknowledges and ignores; a malformed push payload
 * is BAD_USER_INPUT.
 */
export function parsePushEvent(
  provider: WebhookProvider,
  headers: WebhookHeaders,
  rawBody: Buffer | string,
): PushEvent | null {
  const event = headerValue(headers, EVENT_HEADER[provider]);
  if (event === undefined || !PUSH_EVENTS[provider].includes(event)) return null;
  const body = parseJson(rawBody);
  const { ref, after } = body;
  if (typeof ref !== 'string' || ref === '') throw badInput('ref', `${provider} push payload has no ref`);
  if (typeof after !== 'string' || !/^[0-9a-f]{40,64}$/i.test(after))
    throw badInput('after', `${provider} push payload has no commit id in "after"`);
  return {
    provider,
    ref,
    branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null,
    after,
    deleted: NULL_COMMIT.test(after),
    repositoryUrls: repositoryUrls(provider, body),
  };
}

function repositoryUrls(provider: WebhookProvider, body: Record<string, unknown>): string[] {
  const urls = URL_FIELDS[provider].map(([section, field]) => {
    const holder = body[section];
    return isJsonObject(holder) ? holder[field] : undefined;
  });
  return [...new Set(urls.filter((url): url is string => typeof url === 'string' && url !== ''))];
}

function parseJson(rawBody: Buffer | string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw badInput('body', 'webhook body is not valid JSON');
  }
  if (!isJsonObject(body)) throw badInput('body', 'webhook body is not a JSON object');
  return body;
}

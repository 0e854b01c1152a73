/** Push webhooks as each Git host sends them, and a server answering them with the real handler. */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGitWebhookHandler,
  GIT_WEBHOOK_PREFIX,
  type GitWebhookOptions,
} from '../../src/api/webhooks.js';

export const SECRET = 'push-secret-0123456789';
export const COMMIT = 'a'.repeat(40);

export type Provider = 'github' | 'gitlab' | 'gitea';
export const PROVIDERS = ['github', 'gitlab', 'gitea'] as const;

export interface PushRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

const DELIVERY_HEADER: Record<Provider, string> = {
  github: 'x-github-delivery',
  gitea: 'x-gitea-delivery',
  gitlab: 'x-gitlab-event-uuid',
};

/**
 * A push exactly as each host sends it: its payload shape, event header and signature header, and
 * its delivery id header when `delivery` is given.
 */
export function push(
  provider: Provider,
  { ref = 'refs/heads/main', secret = SECRET, after = COMMIT, delivery = '' } = {},
): PushRequest {
  const body =
    provider === 'gitlab'
      ? JSON.stringify({
          object_kind: 'push',
          ref,
          after,
          project: { git_http_url: 'https://git.example/r.git' },
        })
      : JSON.stringify({ ref, after, repository: { clone_url: 'https://git.example/r.git' } });
  const hmac = createHmac('sha256', secret).update(body).digest('hex');
  const headers: Record<string, string> = {
    github: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac}` },
    gitea: { 'x-gitea-event': 'push', 'x-gitea-signature': hmac },
    gitlab: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret },
  }[provider];
  return { body, headers: delivery ? { ...headers, [DELIVERY_HEADER[provider]]: delivery } : headers };
}

export interface WebhookServer {
  post(repositoryId: string, request: PushRequest): Promise<Response>;
  close(): Promise<void>;
}

/** An HTTP server that hands every request to a git webhook handler built from `options`. */
export async function serveWebhooks(options: GitWebhookOptions): Promise<WebhookServer> {
  const handle = createGitWebhookHandler(options);
  const server = createServer((req, res) => {
    void handle(req, res, new URL(req.url ?? '/', 'http://localhost'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    post: (repositoryId, { body, headers }) =>
      fetch(`${base}${GIT_WEBHOOK_PREFIX}${repositoryId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * `POST /webhooks/git/:repositoryId`: push events from GitHub, GitLab and Gitea. The signature is
 * checked with the repository's own secret over the raw bytes before anything is parsed or started;
 * a delivery id seen in the last 24 hours (a replay) starts nothing; otherwise every fabric reading
 * the pushed branch gets an operation (joining one already running).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { isFabricSuspended } from '../domain/suspension.js';
import type { OperationType } from '../domain/states.js';
import { deliveryIdOf, parsePushEvent, type PushEvent } from '../security/webhook-payloads.js';
import { detectProvider, verifyWebhook } from '../security/webhook-signatures.js';
import { SECRET_SLOTS, type Vault } from '../security/vault.js';
import { GitRepository } from '../store/entities/index.js';
import { forgetDelivery, rememberDelivery } from '../store/webhook-deliveries.js';
import type { OperationService } from '../sync/operation-service.js';
import { readBody, sendJson } from './http-io.js';
import { toGlobalId } from './ids.js';
import { fabricsOnBranch } from './webhooks/matching-fabrics.js';
import { repositoryIdFromPath } from './webhooks/repository-id.js';

export { GIT_WEBHOOK_PREFIX } from './webhooks/repository-id.js';

export interface GitWebhookOptions {
  readonly orm: MikroORM;
  readonly vault: Vault;
  readonly operations: Pick<OperationService, 'start'>;
  readonly log: Logger;
  /** What a push starts: main.ts asks for RECONCILE; the default, GIT_SYNC, needs no cluster. */
  readonly operationType?: OperationType;
  /** Larger bodies are refused with 413 before they are buffered whole. */
  readonly maxBodyBytes?: number;
}

export type GitWebhookHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

interface Started {
  readonly fabricId: string;
  readonly operationId?: string;
  readonly error?: string;
  /** Set when the fabric is suspended: held back on purpose, not a failure. */
  readonly suspended?: true;
}

export function createGitWebhookHandler({
  orm,
  vault,
  operations,
  log,
  operationType = 'GIT_SYNC',
  maxBodyBytes = 1024 * 1024,
}: GitWebhookOptions): GitWebhookHandler {
  const tooLarge = (res: ServerResponse) =>
    sendJson(res, 413, { error: `webhook body is larger than ${maxBodyBytes} bytes` });

  /** The repository and body of a request whose signature held; nothing once an error was answered. */
  async function verified(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge(res);
    const repositoryId = repositoryIdFromPath(url.pathname);
    const em = orm.em.fork();
    const repository = repositoryId
      ? await em.findOne(GitRepository, repositoryId, { populate: ['webhookSecretCiphertext'] })
      : null;
    if (!repository) return sendJson(res, 404, { error: `no repository at ${url.pathname}` });
    if (!repository.webhookSecretCiphertext)
      return sendJson(res, 403, {
        error: `repository ${repository.name} has no webhook secret; set one with updateRepository(input: { webhookSecret })`,
      });
    const body = await readBody(req, maxBodyBytes);
    if (!body) return tooLarge(res);

    const provider = detectProvider(req.headers);
    if (!provider)
      return sendJson(res, 400, { error: 'not a GitHub, GitLab or Gitea webhook (no known event header)' });
    const secret = vault.open(
      repository.webhookSecretCiphertext,
      SECRET_SLOTS.repositoryWebhookSecret(repository.id),
    );
    if (!verifyWebhook(provider, req.headers, body, secret)) {
      log.warn({ repositoryId: repository.id, provider }, 'webhook refused: bad signature');
      return sendJson(res, 401, {
        error: `${provider} webhook signature does not match this repository's secret`,
      });
    }
    return { em, repository, body, provider };
  }

  return async (req, res, url) => {
    const request = await verified(req, res, url);
    if (!request) return;
    const { em, repository, body, provider } = request;
    const parsed = withoutBadInput(() => ({
      push: parsePushEvent(provider, req.headers, body),
      deliveryId: deliveryIdOf(provider, req.headers),
    }));
    if (parsed instanceof DomainError) return sendJson(res, 400, { error: parsed.message });
    const { push, deliveryId } = parsed;
    // Remembered only now, after the signature held: a forged request cannot use up a delivery id.
    const delivery = deliveryId === null ? null : { repositoryId: repository.id, deliveryId };
    if (delivery && !(await rememberDelivery(em, delivery)))
      return sendJson(res, 200, { duplicate: `delivery ${deliveryId} was handled already` });
    try {
      await handlePush(em, repository, push, res);
    } catch (err) {
      // The host redelivers after a failure; that redelivery must not be taken for a replay.
      if (delivery) await forgetDelivery(em, delivery);
      throw err;
    }
  };

  async function handlePush(
    em: EntityManager,
    repository: GitRepository,
    push: PushEvent | null,
    res: ServerResponse,
  ): Promise<void> {
    if (!isBranchPush(push)) return sendJson(res, 202, { ignored: whyIgnored(push) });
    const fabrics = await fabricsOnBranch(em, repository, push.branch);
    const started = await Promise.all(fabrics.map((fabric) => start(fabric.id, push)));
    log.info(
      {
        repositoryId: repository.id,
        provider: push.provider,
        branch: push.branch,
        commit: push.after,
        started,
      },
      'push webhook handled',
    );
    sendJson(res, 202, { branch: push.branch, commit: push.after, operations: started });
  }

  async function start(fabricId: string, push: BranchPush): Promise<Started> {
    const id = toGlobalId('Fabric', fabricId);
    try {
      const op = await operations.start({
        fabricId,
        type: operationType,
        trigger: 'WEBHOOK',
        requestedBy: `${push.provider} push to ${push.branch}`,
      });
      return { fabricId: id, operationId: toGlobalId('Operation', op.id) };
    } catch (err) {
      if (isFabricSuspended(err)) {
        log.info({ fabricId }, 'push webhook: fabric suspended, nothing started');
        return { fabricId: id, error: vault.redactor.redact(err.message), suspended: true };
      }
      // One fabric that cannot start (deleted meanwhile, locked elsewhere) must not hide the others.
      log.error({ err: vault.redactor.redactDeep(err), fabricId }, 'webhook could not start an operation');
      return { fabricId: id, error: err instanceof Error ? vault.redactor.redact(err.message) : String(err) };
    }
  }
}

/** What `parse` returns, or the BAD_USER_INPUT it threw (a malformed webhook is the sender's fault). */
function withoutBadInput<T>(parse: () => T): T | DomainError {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

type BranchPush = PushEvent & { readonly branch: string };

/** Only a push that moves a branch to a commit can change what a fabric reads. */
const isBranchPush = (push: PushEvent | null): push is BranchPush =>
  push !== null && push.branch !== null && !push.deleted;

function whyIgnored(push: PushEvent | null): string {
  if (!push) return 'not a push event';
  if (push.branch === null) return `${push.ref} is not a branch`;
  return `branch ${push.branch} was deleted`;
}

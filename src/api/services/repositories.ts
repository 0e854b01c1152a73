/** Creating, changing and checking Git repositories: validate, seal credentials, store. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { DomainError, badInput, conflict, notFound } from '../../domain/errors.js';
import { displayName } from '../../domain/input-rules.js';
import type { GitSource } from '../../git/git-source.js';
import { checkBranch } from '../../git/refs.js';
import { Fabric, GitRepository } from '../../store/entities/index.js';
import { SECRET_SLOTS, type Vault } from '../../security/vault.js';
import { repoAccessFor } from '../../sync/access.js';
import type {
  GCreateRepositoryInput,
  GRepositoryAuthInput,
  GUpdateRepositoryInput,
} from '../generated/graphql.js';
import { flushUniqueName } from './flush-unique.js';

export interface RepositoryServiceDeps {
  readonly orm: MikroORM;
  readonly vault: Vault;
  readonly git: GitSource;
}

export class RepositoryService {
  constructor(private readonly deps: RepositoryServiceDeps) {}

  async create(input: GCreateRepositoryInput): Promise<GitRepository> {
    const repo = new GitRepository();
    repo.id = randomUUID();
    this.assign(repo, input, 'input');
    const em = this.deps.orm.em.fork();
    em.persist(repo);
    await flushUniqueName(em, 'a repository', repo.name);
    return repo;
  }

  async update(id: string, input: GUpdateRepositoryInput): Promise<GitRepository> {
    const em = this.deps.orm.em.fork();
    const repo = await em.findOne(GitRepository, id, {
      populate: ['credentialCiphertext', 'webhookSecretCiphertext'],
    });
    if (!repo) throw notFound('repository', id);
    this.assign(repo, input, 'input');
    await flushUniqueName(em, 'a repository', repo.name);
    return repo;
  }

  /** Refused while a fabric reads from the repository: deleting it would silently stop their syncs. */
  async delete(id: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const users = await em.count(Fabric, { repository: id });
    if (users > 0)
      throw conflict(`repository ${id} is used by ${users} fabric(s); point them elsewhere first`);
    const deleted = await em.nativeDelete(GitRepository, { id });
    if (deleted === 0) throw notFound('repository', id);
    // Its fetched objects would otherwise stay on disk for good.
    await this.deps.git.removeCache(id);
  }

  /** A real `git ls-remote` with the stored credentials; the outcome is stored and returned. */
  async testConnection(id: string): Promise<GitRepository> {
    const em = this.deps.orm.em.fork();
    const repo = await em.findOne(GitRepository, id, { populate: ['credentialCiphertext'] });
    if (!repo) throw notFound('repository', id);
    const result = await this.deps.git.testConnection(
      repoAccessFor(repo, this.deps.vault),
      repo.defaultBranch,
    );
    repo.connectionStatus = result.status;
    repo.connectionMessage = this.deps.vault.redactor.redact(result.message);
    repo.lastCheckedAt = new Date();
    await em.flush();
    return repo;
  }

  private assign(repo: GitRepository, input: GUpdateRepositoryInput, field: string): void {
    if (input.name != null) repo.name = displayName(`${field}.name`, input.name);
    if (input.url != null) repo.url = this.checkUrl(input.url, `${field}.url`);
    if (input.defaultBranch != null)
      repo.defaultBranch = checkBranch(input.defaultBranch, `${field}.defaultBranch`);
    if (input.insecureIgnoreHostKey != null) repo.insecureIgnoreHostKey = input.insecureIgnoreHostKey;
    if (input.auth != null) this.assignAuth(repo, input.auth, `${field}.auth`);
    if (input.webhookSecret != null) {
      if (input.webhookSecret.length < 16)
        throw badInput(`${field}.webhookSecret`, 'must be at least 16 characters');
      repo.webhookSecretCiphertext = this.deps.vault.seal(
        input.webhookSecret,
        SECRET_SLOTS.repositoryWebhookSecret(repo.id),
      );
    }
    if (!repo.name) throw badInput(`${field}.name`, 'is required');
    if (!repo.url) throw badInput(`${field}.url`, 'is required');
  }

  /** GitSource names the setting that refuses a scheme; the API names the input field too. */
  private checkUrl(url: string, field: string): string {
    try {
      this.deps.git.checkUrl(url);
      return url;
    } catch (err) {
      if (err instanceof DomainError) throw new DomainError(err.code, err.message, { field });
      throw err;
    }
  }

  private assignAuth(repo: GitRepository, auth: GRepositoryAuthInput, field: string): void {
    const slot = SECRET_SLOTS.repositoryCredential(repo.id);
    repo.authKind = auth.kind;
    repo.username = null;
    repo.credentialCiphertext = null;
    switch (auth.kind) {
      case 'NONE':
        return;
      case 'TOKEN':
      case 'BASIC': {
        if (!auth.secret) throw badInput(`${field}.secret`, `is required for ${auth.kind} auth`);
        if (auth.kind === 'BASIC' && !auth.username)
          throw badInput(`${field}.username`, 'is required for BASIC auth');
        repo.username = auth.username ?? null;
        repo.credentialCiphertext = this.deps.vault.seal(auth.secret, slot);
        return;
      }
      case 'SSH_KEY': {
        if (!auth.privateKey?.includes('PRIVATE KEY-----'))
          throw badInput(`${field}.privateKey`, 'must be a PEM or OpenSSH private key');
        repo.credentialCiphertext = this.deps.vault.seal(auth.privateKey, slot);
      }
    }
  }
}

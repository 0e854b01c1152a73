/**
 * Brings the predecessor plugin's Git repositories into fabric-sync: their Fernet-encrypted
 * credentials are decrypted with its key, re-sealed with ours, and stored in one transaction.
 * A repository whose name exists already is left as it is and reported.
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GitSource } from '../git/git-source.js';
import { decodeLegacyCredentials, type LegacyRepository } from '../security/legacy-import.js';
import { SECRET_SLOTS, type Vault } from '../security/vault.js';

export interface LegacyImportReport {
  readonly imported: readonly string[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface LegacyImportDeps {
  readonly orm: MikroORM;
  readonly vault: Vault;
  /** Applies the URL scheme policy (FABRIC_SYNC_GIT_ALLOW_SCHEMES) to every imported URL. */
  readonly git: Pick<GitSource, 'checkUrl'>;
}

export async function importLegacyRepositories(
  { orm, vault, git }: LegacyImportDeps,
  exportText: string,
  legacySecretKey: string,
): Promise<LegacyImportReport> {
  const decoded = decodeLegacyCredentials(exportText, legacySecretKey);
  const skipped = decoded.failures.map((f) => ({ name: f.name || `#${f.legacyId}`, reason: f.reason }));
  const knex = orm.em.getConnection().getKnex();
  const existing = new Set(
    (await knex('git_repository').select('name')).map((r: { name: string }) => r.name),
  );
  const rows: ReturnType<typeof toRow>[] = [];
  for (const repo of decoded.repositories) {
    const refusal = refuse(repo, existing, git);
    if (refusal) {
      skipped.push({ name: repo.name, reason: refusal });
      continue;
    }
    existing.add(repo.name);
    rows.push(toRow(repo, vault));
  }
  if (rows.length > 0) await knex.transaction((trx) => trx('git_repository').insert(rows));
  return { imported: rows.map((r) => r.name), skipped };
}

function refuse(
  repo: LegacyRepository,
  existing: ReadonlySet<string>,
  git: LegacyImportDeps['git'],
): string | null {
  if (!repo.name || !repo.url) return 'has no name or URL';
  if (existing.has(repo.name)) return 'a repository with this name exists already';
  try {
    git.checkUrl(repo.url);
  } catch (err) {
    return (err as Error).message;
  }
  return repo.auth.passphrase ? 'SSH keys with a passphrase are not supported' : null;
}

function toRow(repo: LegacyRepository, vault: Vault) {
  const id = randomUUID();
  const secret = repo.auth.kind === 'SSH_KEY' ? repo.auth.privateKey : repo.auth.secret;
  const now = new Date();
  return {
    id,
    name: repo.name,
    url: repo.url,
    default_branch: 'main',
    auth_kind: repo.auth.kind,
    username: repo.auth.kind === 'BASIC' || repo.auth.kind === 'TOKEN' ? (repo.auth.username ?? null) : null,
    credential_ciphertext: secret ? vault.seal(secret, SECRET_SLOTS.repositoryCredential(id)) : null,
    created_at: now,
    updated_at: now,
  };
}

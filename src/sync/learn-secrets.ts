/**
 * At start-up, opens every stored secret once so the redactor knows them all before anything could
 * echo one (a git error, a cluster message, a log line).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { SECRET_SLOTS, type Vault } from '../security/vault.js';

export async function learnStoredSecrets(orm: MikroORM, vault: Vault): Promise<number> {
  const connection = orm.em.getConnection();
  const repos: { id: string; credential: string | null; webhook: string | null }[] = await connection.execute(
    'select id, credential_ciphertext as credential, webhook_secret_ciphertext as webhook from git_repository',
  );
  const fabrics: { id: string; token: string | null }[] = await connection.execute(
    'select id, cluster_token_ciphertext as token from fabric where cluster_token_ciphertext is not null',
  );
  for (const repo of repos) {
    vault.openOptional(repo.credential, SECRET_SLOTS.repositoryCredential(repo.id));
    vault.openOptional(repo.webhook, SECRET_SLOTS.repositoryWebhookSecret(repo.id));
  }
  for (const fabric of fabrics) vault.openOptional(fabric.token, SECRET_SLOTS.fabricClusterToken(fabric.id));
  const sinks: { id: string; secret: string }[] = await connection.execute(
    'select id, secret_ciphertext as secret from notification_sink where secret_ciphertext is not null',
  );
  for (const sink of sinks) vault.open(sink.secret, SECRET_SLOTS.notificationSinkSecret(sink.id));
  return vault.redactor.size;
}

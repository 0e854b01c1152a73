/**
 * Re-encrypts every stored secret with the current (first) key, in one transaction: after it, the
 * older keys can be removed from FABRIC_SYNC_SECRET_KEYS.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { rotateAll, type StoredSecret } from '../security/rotate.js';
import type { SecretBox } from '../security/secret-box.js';
import { SECRET_SLOTS } from '../security/vault.js';

interface Column {
  readonly table: string;
  readonly column: string;
  readonly slot: (id: string) => string;
}

/** Every encrypted column, with the slot (AAD) its values were sealed with. */
const SECRET_COLUMNS: readonly Column[] = [
  { table: 'git_repository', column: 'credential_ciphertext', slot: SECRET_SLOTS.repositoryCredential },
  {
    table: 'git_repository',
    column: 'webhook_secret_ciphertext',
    slot: SECRET_SLOTS.repositoryWebhookSecret,
  },
  { table: 'fabric', column: 'cluster_token_ciphertext', slot: SECRET_SLOTS.fabricClusterToken },
  { table: 'notification_sink', column: 'secret_ciphertext', slot: SECRET_SLOTS.notificationSinkSecret },
];

export async function rotateStoredSecrets(
  orm: MikroORM,
  box: SecretBox,
): Promise<{ rotated: number; unchanged: number }> {
  const knex = orm.em.getConnection().getKnex();
  return knex.transaction(async (trx) => {
    let rotated = 0;
    let unchanged = 0;
    for (const { table, column, slot } of SECRET_COLUMNS) {
      // Row locks keep a concurrent update from writing a value this rotation would then overwrite.
      const rows: { id: string; ciphertext: string }[] = await trx(table)
        .select('id', `${column} as ciphertext`)
        .whereNotNull(column)
        .forUpdate();
      const items: StoredSecret[] = rows.map((r) => ({
        id: `${table}:${r.id}`,
        ciphertext: r.ciphertext,
        aad: slot(r.id),
      }));
      const result = rotateAll(items, box);
      for (const item of result.rotated)
        await trx(table)
          .where('id', item.id.slice(table.length + 1))
          .update({ [column]: item.ciphertext });
      rotated += result.rotated.length;
      unchanged += result.unchanged;
    }
    return { rotated, unchanged };
  });
}

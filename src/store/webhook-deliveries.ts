/**
 * Which webhook deliveries were already handled, in PostgreSQL so every replica knows: a delivery
 * id is remembered for DELIVERY_MEMORY_MS, long past any redelivery a Git host attempts by itself.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const DELIVERY_MEMORY_MS = 24 * 3600 * 1000;

export interface Delivery {
  readonly repositoryId: string;
  readonly deliveryId: string;
}

/**
 * Remembers a delivery; true when it is new, false when it was seen within the window. Rows older
 * than the window are deleted on the way, so the table holds about one day of deliveries.
 */
export async function rememberDelivery(
  em: EntityManager,
  { repositoryId, deliveryId }: Delivery,
  now = new Date(),
): Promise<boolean> {
  const connection = em.getConnection();
  await connection.execute('delete from webhook_delivery where received_at < ?', [
    new Date(now.getTime() - DELIVERY_MEMORY_MS),
  ]);
  const inserted = await connection.execute(
    `insert into webhook_delivery (repository_id, delivery_id, received_at) values (?, ?, ?)
     on conflict do nothing returning delivery_id`,
    [repositoryId, deliveryId, now],
  );
  return inserted.length > 0;
}

/** Forgets a delivery whose handling failed, so the host's redelivery is handled instead of refused. */
export async function forgetDelivery(
  em: EntityManager,
  { repositoryId, deliveryId }: Delivery,
): Promise<void> {
  await em
    .getConnection()
    .execute('delete from webhook_delivery where repository_id = ? and delivery_id = ?', [
      repositoryId,
      deliveryId,
    ]);
}

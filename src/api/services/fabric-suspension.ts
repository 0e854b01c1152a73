/**
 * suspendFabric and resumeFabric: store the flag (what OperationService.start consults before every
 * start, domain/suspension.ts) and tell fabricStatus subscribers, who read the fabric anew.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../domain/errors.js';
import { suspensionReason } from '../../domain/suspension.js';
import type { EventBus } from '../../events/event-bus.js';
import { Fabric } from '../../store/entities/index.js';

export interface SuspensionChange {
  readonly suspended: boolean;
  /** suspendFabric's reason, as given; ignored on resume. */
  readonly reason?: string | null;
  /** Who asked, for the event's message. */
  readonly by: string;
}

export async function setSuspension(
  { em, events }: { readonly em: EntityManager; readonly events: EventBus },
  fabricId: string,
  { suspended, reason, by }: SuspensionChange,
): Promise<Fabric> {
  const suspendedReason = suspended ? suspensionReason(reason) : null;
  const fork = em.fork();
  const changed = await fork.nativeUpdate(
    Fabric,
    { id: fabricId },
    { suspended, suspendedReason, updatedAt: new Date() },
  );
  const fabric = changed > 0 ? await fork.findOne(Fabric, fabricId) : null;
  if (!fabric) throw notFound('fabric', fabricId);
  const what = suspended
    ? `suspended by ${by}${suspendedReason ? `: ${suspendedReason}` : ''}`
    : `resumed by ${by}`;
  await events.publish('fabricStatus', fabricId, {
    fabricId,
    message: `fabric ${what}`,
    at: new Date().toISOString(),
  });
  return fabric;
}

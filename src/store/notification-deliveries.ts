/**
 * Recording a transition for a sink, shared by every replica: the (sink, transition) row is unique,
 * so whichever replica inserts it first is the one that sends it. The sink's row lock orders
 * concurrent transitions of one sink, so the minimum interval holds across replicas too.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { DeliveryStatus, NotificationEvent } from '../domain/notification-events.js';
import type { JsonValue } from '../domain/manifest.js';

export interface RecordedDelivery {
  readonly id: string;
  readonly status: DeliveryStatus;
  /** Transitions suppressed by the interval since this sink's previous sent notification. */
  readonly suppressed: number;
}

const LAST_SENT = `select max(created_at) from notification_delivery where sink_id = ? and status <> 'SUPPRESSED'`;

/** The new delivery, or null when this transition was recorded for the sink already (by any replica). */
export async function recordDelivery(
  orm: MikroORM,
  input: { sinkId: string; transitionId: string; event: NotificationEvent; payload: JsonValue },
): Promise<RecordedDelivery | null> {
  return orm.em.fork().transactional(async (em) => {
    const [sink] = await em.execute<{ min_interval_seconds: number }[]>(
      'select min_interval_seconds from notification_sink where id = ? for update',
      [input.sinkId],
    );
    if (!sink) return null; // deleted meanwhile
    const [facts] = await em.execute<{ recent: boolean; suppressed: string }[]>(
      `select coalesce((${LAST_SENT}) > clock_timestamp() - make_interval(secs => ?), false) as recent,
              (select count(*) from notification_delivery where sink_id = ? and status = 'SUPPRESSED'
                 and created_at > coalesce((${LAST_SENT}), '-infinity')) as suppressed`,
      [input.sinkId, sink.min_interval_seconds, input.sinkId, input.sinkId],
    );
    // clock_timestamp, not now(): a transaction that waited for the lock starts before the one it waited for inserted.
    const status: DeliveryStatus = facts?.recent ? 'SUPPRESSED' : 'PENDING';
    const rows = await em.execute<{ id: string }[]>(
      `insert into notification_delivery (id, sink_id, transition_id, event, status, payload, attempts, created_at)
       values (?, ?, ?, ?, ?, ?::jsonb, 0, clock_timestamp())
       on conflict (sink_id, transition_id) do nothing returning id`,
      [randomUUID(), input.sinkId, input.transitionId, input.event, status, JSON.stringify(input.payload)],
    );
    const id = rows[0]?.id;
    return id ? { id, status, suppressed: status === 'PENDING' ? Number(facts?.suppressed ?? 0) : 0 } : null;
  });
}

export interface AttemptOutcome {
  readonly status: 'PENDING' | 'DELIVERED' | 'FAILED';
  readonly attempts: number;
  readonly statusCode: number | null;
  readonly error: string | null;
}

export async function recordAttempt(
  orm: MikroORM,
  deliveryId: string,
  outcome: AttemptOutcome,
): Promise<void> {
  await orm.em.getConnection().execute(
    `update notification_delivery set status = ?, attempts = ?, status_code = ?, error = ?,
       delivered_at = case when ? = 'DELIVERED' then now() else null end
     where id = ?`,
    [outcome.status, outcome.attempts, outcome.statusCode, outcome.error, outcome.status, deliveryId],
  );
}

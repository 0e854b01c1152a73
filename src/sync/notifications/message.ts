/** What a notification says, and the bytes and headers it is sent as. */
import { createHmac } from 'node:crypto';
import type { NotificationEvent, NotificationFormat } from '../../domain/notification-events.js';

export interface Notification {
  readonly event: NotificationEvent;
  readonly fabricId: string;
  readonly fabricName: string;
  readonly message: string;
  readonly at: string;
  /** What the transition is about: an operation id or a drift report id, when there is one. */
  readonly subjectId?: string;
  /** Transitions the sink's minimum interval suppressed since the previous sent notification. */
  readonly suppressed: number;
}

export const SIGNATURE_HEADER = 'x-fabricsync-signature-256';
export const EVENT_HEADER = 'x-fabricsync-event';
export const DELIVERY_HEADER = 'x-fabricsync-delivery';

function slackText(n: Notification): string {
  const missed =
    n.suppressed > 0 ? ` (${n.suppressed} earlier notification(s) suppressed by the interval)` : '';
  return `[${n.fabricName}] ${n.event}: ${n.message}${missed}`;
}

export function notificationBody(n: Notification, format: NotificationFormat): string {
  return JSON.stringify(format === 'SLACK' ? { text: slackText(n) } : n);
}

/** GitHub's webhook signature scheme: `sha256=` and the hex HMAC-SHA256 of the exact body. */
export const signature = (body: string, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function notificationHeaders(
  body: string,
  event: NotificationEvent,
  deliveryId: string,
  secret: string | undefined,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'fabric-sync',
    [EVENT_HEADER]: event,
    [DELIVERY_HEADER]: deliveryId,
    ...(secret ? { [SIGNATURE_HEADER]: signature(body, secret) } : {}),
  };
}

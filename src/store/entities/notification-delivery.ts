import { EntitySchema, type Ref } from '@mikro-orm/core';
import {
  DELIVERY_STATUSES,
  NOTIFICATION_EVENTS,
  type DeliveryStatus,
  type NotificationEvent,
} from '../../domain/notification-events.js';
import type { JsonValue } from '../../domain/manifest.js';
import type { NotificationSink } from './notification-sink.js';

/**
 * One transition for one sink. (sink, transitionId) is unique: every replica that sees the
 * transition tries to insert it, one succeeds, and only that one sends.
 */
export class NotificationDelivery {
  id!: string;
  sink!: Ref<NotificationSink>;
  transitionId!: string;
  event!: NotificationEvent;
  status: DeliveryStatus = 'PENDING';
  /** The notification as sent (format-independent); its body is built from it at send time. */
  payload: JsonValue = {};
  statusCode: number | null = null;
  attempts = 0;
  error: string | null = null;
  createdAt: Date = new Date();
  deliveredAt: Date | null = null;
}

export const NotificationDeliverySchema = new EntitySchema<NotificationDelivery>({
  class: NotificationDelivery,
  tableName: 'notification_delivery',
  indexes: [{ properties: ['sink', 'createdAt'] }],
  uniques: [{ properties: ['sink', 'transitionId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    sink: { kind: 'm:1', entity: 'NotificationSink', ref: true, deleteRule: 'cascade' },
    transitionId: { type: 'string', length: 255 },
    event: { enum: true, items: () => [...NOTIFICATION_EVENTS] },
    status: { enum: true, items: () => [...DELIVERY_STATUSES] },
    payload: { type: 'json' },
    statusCode: { type: 'integer', nullable: true },
    attempts: { type: 'integer' },
    error: { type: 'text', nullable: true },
    createdAt: { type: 'datetime' },
    deliveredAt: { type: 'datetime', nullable: true },
  },
});

import { EntitySchema, type Ref } from '@mikro-orm/core';
import { NOTIFICATION_FORMATS } from '../../domain/notification-events.js';
import type { NotificationEvent, NotificationFormat } from '../../domain/notification-events.js';
import type { Fabric } from './fabric.js';

/** Where a fabric's transitions are posted. The HMAC secret is a ciphertext from the vault, never plain text. */
export class NotificationSink {
  id!: string;
  fabric!: Ref<Fabric>;
  url!: string;
  events: NotificationEvent[] = [];
  format: NotificationFormat = 'JSON';
  minIntervalSeconds = 0;
  secretCiphertext: string | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const NotificationSinkSchema = new EntitySchema<NotificationSink>({
  class: NotificationSink,
  tableName: 'notification_sink',
  indexes: [{ properties: ['fabric', 'createdAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, deleteRule: 'cascade' },
    url: { type: 'text' },
    events: { type: 'array' },
    format: { enum: true, items: () => [...NOTIFICATION_FORMATS] },
    minIntervalSeconds: { type: 'integer' },
    secretCiphertext: { type: 'text', nullable: true, lazy: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
});

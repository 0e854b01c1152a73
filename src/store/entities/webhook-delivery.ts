import { EntitySchema, type Ref } from '@mikro-orm/core';
import type { GitRepository } from './git-repository.js';

/**
 * A verified webhook delivery, by the id its Git host gave it, remembered for a while so a
 * replayed delivery starts nothing (src/store/webhook-deliveries.ts). Shared by every replica.
 */
export class WebhookDelivery {
  repository!: Ref<GitRepository>;
  deliveryId!: string;
  receivedAt: Date = new Date();
}

export const WebhookDeliverySchema = new EntitySchema<WebhookDelivery>({
  class: WebhookDelivery,
  tableName: 'webhook_delivery',
  indexes: [{ properties: ['receivedAt'] }],
  properties: {
    repository: { kind: 'm:1', entity: 'GitRepository', ref: true, primary: true, deleteRule: 'cascade' },
    deliveryId: { type: 'string', length: 255, primary: true },
    receivedAt: { type: 'datetime' },
  },
});

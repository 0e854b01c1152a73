import { ApiTokenSchema } from './api-token.js';
import { DriftDifferenceSchema, DriftReportSchema } from './drift-report.js';
import { FabricSchema } from './fabric.js';
import { GitRepositorySchema } from './git-repository.js';
import { NotificationDeliverySchema } from './notification-delivery.js';
import { NotificationSinkSchema } from './notification-sink.js';
import { OperationSchema } from './operation.js';
import { OperationLeaseSchema } from './operation-lease.js';
import { ResourceRecordSchema } from './record.js';
import { RecordReferenceSchema } from './record-reference.js';
import { WebhookDeliverySchema } from './webhook-delivery.js';

export const ENTITY_SCHEMAS = [
  GitRepositorySchema,
  FabricSchema,
  ResourceRecordSchema,
  RecordReferenceSchema,
  OperationSchema,
  OperationLeaseSchema,
  DriftReportSchema,
  DriftDifferenceSchema,
  ApiTokenSchema,
  WebhookDeliverySchema,
  NotificationSinkSchema,
  NotificationDeliverySchema,
];

export * from './api-token.js';
export * from './drift-report.js';
export * from './fabric.js';
export * from './git-repository.js';
export * from './notification-delivery.js';
export * from './notification-sink.js';
export * from './operation.js';
export * from './operation-lease.js';
export * from './record.js';
export * from './record-reference.js';
export * from './webhook-delivery.js';

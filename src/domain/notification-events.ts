/**
 * Notifications fire on transitions, never on states: a second failure in a row is no news, the
 * success after it is. Each rule takes the previous and the new value of one axis.
 */
import type { FabricSync, FabricWatch, OperationStatus } from './states.js';

/** HEALTH_* are part of the vocabulary already; nothing computes fabric health yet, so they never fire. */
export const NOTIFICATION_EVENTS = [
  'OPERATION_FAILED',
  'OPERATION_RECOVERED',
  'DRIFT_DETECTED',
  'DRIFT_CLEARED',
  'HEALTH_DEGRADED',
  'HEALTH_RECOVERED',
  'WATCH_ERROR',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_FORMATS = ['JSON', 'SLACK'] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];

/** SUPPRESSED: inside the sink's minimum interval after a sent one; the next sent one counts it. */
export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED', 'SUPPRESSED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** An operation's end against the previous ended operation of the fabric (null: none yet). */
export function operationTransition(
  status: OperationStatus,
  previous: OperationStatus | null,
): NotificationEvent | null {
  if (status === 'FAILED') return previous === 'FAILED' ? null : 'OPERATION_FAILED';
  if (status === 'SUCCEEDED') return previous === 'FAILED' ? 'OPERATION_RECOVERED' : null;
  return null;
}

/** A drift check's sync status against the previous check's; a first check sets the baseline. */
export function driftTransition(status: FabricSync, previous: FabricSync | null): NotificationEvent | null {
  if (previous === 'IN_SYNC' && status === 'OUT_OF_SYNC') return 'DRIFT_DETECTED';
  if (previous === 'OUT_OF_SYNC' && status === 'IN_SYNC') return 'DRIFT_CLEARED';
  return null;
}

/** The watch status is published on change only, so entering ERROR is the transition. */
export const watchTransition = (status: FabricWatch): NotificationEvent | null =>
  status === 'ERROR' ? 'WATCH_ERROR' : null;

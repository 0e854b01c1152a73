/**
 * A suspended fabric (suspendFabric) starts nothing that changes the database's records or the
 * cluster, whoever asks (an operator, the schedule, a push webhook, the watch's self-heal); it is
 * still watched, drift-checked and health-checked, so operators keep seeing what the cluster does.
 */
import { badInput, DomainError } from './errors.js';
import type { OperationType } from './states.js';

/** Listed by what may run, so an operation type added later is held back until someone decides. */
const RUNS_WHILE_SUSPENDED: readonly OperationType[] = ['DRIFT_CHECK'];

/** The longest reason an operator may leave (it is shown beside the fabric everywhere). */
export const MAX_SUSPEND_REASON = 500;

export const runsWhileSuspended = (type: OperationType): boolean => RUNS_WHILE_SUSPENDED.includes(type);

export function fabricSuspended(fabricName: string, type: OperationType, reason: string | null): DomainError {
  const why = reason ? `: ${reason}` : '';
  return new DomainError(
    'FABRIC_SUSPENDED',
    `fabric "${fabricName}" is suspended${why}; ${type} starts again after resumeFabric`,
    { fabricName, operationType: type },
  );
}

/** Whether a start was refused because its fabric is suspended: for triggers, nothing went wrong. */
export const isFabricSuspended = (err: unknown): err is DomainError =>
  err instanceof DomainError && err.code === 'FABRIC_SUSPENDED';

/** The stored form of suspendFabric's reason: trimmed, null when blank. */
export function suspensionReason(reason: string | null | undefined, field = 'reason'): string | null {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > MAX_SUSPEND_REASON) throw badInput(field, `at most ${MAX_SUSPEND_REASON} characters`);
  return trimmed || null;
}

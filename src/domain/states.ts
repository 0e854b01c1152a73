/**
 * One vocabulary per status axis (architecture §5). Each `as const` list feeds the TypeScript type,
 * the database check constraint and the GraphQL enum (a test keeps the three equal).
 */
import { IllegalTransitionError } from './errors.js';

export const FABRIC_CONNECTION = ['UNKNOWN', 'CONNECTED', 'UNREACHABLE', 'UNAUTHORIZED', 'ERROR'] as const;
export const REPOSITORY_CONNECTION = [
  'UNKNOWN',
  'CONNECTED',
  'AUTH_FAILED',
  'NOT_FOUND',
  'UNREACHABLE',
] as const;
export const FABRIC_SYNC = ['NEVER_SYNCED', 'IN_SYNC', 'OUT_OF_SYNC', 'UNKNOWN'] as const;
export const FABRIC_WATCH = ['INACTIVE', 'STARTING', 'ACTIVE', 'RECONNECTING', 'ERROR'] as const;
export const OPERATION_STATUS = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export const RECORD_STATE = [
  'PENDING',
  'APPLIED',
  'IN_SYNC',
  'DRIFTED',
  'MISSING',
  'ORPHANED',
  'INVALID',
  'ERROR',
] as const;
export const FABRIC_LIFECYCLE = ['PLANNED', 'ACTIVE', 'MAINTENANCE', 'DECOMMISSIONED'] as const;
export const OPERATION_TYPE = ['GIT_SYNC', 'APPLY', 'DRIFT_CHECK', 'RECONCILE', 'SELF_HEAL'] as const;
export const OPERATION_TRIGGER = ['MANUAL', 'SCHEDULE', 'WEBHOOK', 'WATCH'] as const;
export const STAGE_NAME = [
  'FETCH',
  'PARSE',
  'VALIDATE',
  'PERSIST',
  'PLAN',
  'APPLY',
  'PRUNE',
  'LIST',
  'COMPARE',
] as const;
export const STAGE_STATUS = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'] as const;
export const AUTH_KIND = ['NONE', 'TOKEN', 'BASIC', 'SSH_KEY'] as const;
export const DRIFT_TYPE = ['MISSING', 'ORPHANED', 'MODIFIED'] as const;
export const SEVERITY = ['LOW', 'MEDIUM', 'HIGH'] as const;

export type FabricConnection = (typeof FABRIC_CONNECTION)[number];
export type RepositoryConnection = (typeof REPOSITORY_CONNECTION)[number];
export type FabricSync = (typeof FABRIC_SYNC)[number];
export type FabricWatch = (typeof FABRIC_WATCH)[number];
export type OperationStatus = (typeof OPERATION_STATUS)[number];
export type RecordState = (typeof RECORD_STATE)[number];
export type FabricLifecycle = (typeof FABRIC_LIFECYCLE)[number];
export type OperationType = (typeof OPERATION_TYPE)[number];
export type OperationTrigger = (typeof OPERATION_TRIGGER)[number];
export type StageName = (typeof STAGE_NAME)[number];
export type StageStatus = (typeof STAGE_STATUS)[number];
export type AuthKind = (typeof AUTH_KIND)[number];
export type DriftType = (typeof DRIFT_TYPE)[number];
export type Severity = (typeof SEVERITY)[number];

type Table<S extends string> = Readonly<Record<S, readonly S[]>>;

/** Axes whose values are facts re-measured by every check may move anywhere; these three have a lifecycle. */
const OPERATION_NEXT: Table<OperationStatus> = {
  QUEUED: ['RUNNING', 'CANCELLED', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

const WATCH_NEXT: Table<FabricWatch> = {
  INACTIVE: ['STARTING'],
  STARTING: ['ACTIVE', 'RECONNECTING', 'ERROR', 'INACTIVE'],
  ACTIVE: ['RECONNECTING', 'ERROR', 'INACTIVE'],
  RECONNECTING: ['ACTIVE', 'RECONNECTING', 'ERROR', 'INACTIVE'],
  ERROR: ['STARTING', 'RECONNECTING', 'INACTIVE'],
};

const STAGE_NEXT: Table<StageStatus> = {
  PENDING: ['RUNNING', 'SKIPPED', 'CANCELLED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  SKIPPED: [],
  CANCELLED: [],
};

/** Record state: pipelines and the watch move it; INVALID is left only by a new Git sync (→ PENDING). */
const RECORD_NEXT: Table<RecordState> = {
  PENDING: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'INVALID', 'ERROR'],
  APPLIED: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ERROR'],
  IN_SYNC: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ERROR'],
  DRIFTED: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ERROR'],
  MISSING: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ERROR'],
  ORPHANED: ['ORPHANED', 'PENDING'],
  INVALID: ['PENDING', 'INVALID'],
  ERROR: ['PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ERROR'],
};

const check =
  <S extends string>(axis: string, table: Table<S>) =>
  (from: S, to: S): S => {
    if (!table[from].includes(to)) throw new IllegalTransitionError(axis, from, to);
    return to;
  };

export const transitionOperation = check('operation.status', OPERATION_NEXT);
export const transitionWatch = check('fabric.watch', WATCH_NEXT);
/** Whether the watch axis may move from `from` to `to` directly (no error: a question, not a move). */
export const canTransitionWatch = (from: FabricWatch, to: FabricWatch): boolean =>
  WATCH_NEXT[from].includes(to);
export const transitionStage = check('stage.status', STAGE_NEXT);
export const transitionRecord = check('record.state', RECORD_NEXT);

export const isTerminal = (status: OperationStatus): boolean => OPERATION_NEXT[status].length === 0;
/** Every allowed [from, to] status change of an operation: the database enforces the same table (a trigger). */
export const OPERATION_TRANSITIONS: readonly (readonly [OperationStatus, OperationStatus])[] =
  OPERATION_STATUS.flatMap((from) => OPERATION_NEXT[from].map((to) => [from, to] as const));

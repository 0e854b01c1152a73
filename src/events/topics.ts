/**
 * The typed topic map of the event bus (style §4 ex. 10). Every payload is plain JSON data — it crosses
 * Redis between replicas — and carries `fabricId`, so the API can check authorization per event.
 */
import type {
  FabricConnection,
  FabricSync,
  FabricWatch,
  OperationStatus,
  OperationType,
  RecordState,
  StageName,
  StageStatus,
} from '../domain/states.js';

/** ISO-8601 timestamp, as produced by `new Date().toISOString()`. */
export type Timestamp = string;

export interface OperationErrorEvent {
  readonly file?: string;
  readonly line?: number;
  readonly kind?: string;
  readonly name?: string;
  readonly message: string;
}

export interface StageEvent {
  readonly name: StageName;
  readonly status: StageStatus;
  readonly counts?: Readonly<Record<string, number>>;
  readonly startedAt?: Timestamp;
  readonly finishedAt?: Timestamp;
}

/** A stage started or finished, or the operation changed status. Scope: the operation id. */
export interface OperationEvent {
  readonly fabricId: string;
  readonly operationId: string;
  readonly type: OperationType;
  readonly status: OperationStatus;
  readonly stage?: StageEvent;
  readonly errors?: readonly OperationErrorEvent[];
  readonly message?: string;
  readonly at: Timestamp;
}

/** One or more status axes of a fabric changed; absent axes did not. Scope: the fabric id. */
export interface FabricStatusEvent {
  readonly fabricId: string;
  readonly connectionStatus?: FabricConnection;
  readonly syncStatus?: FabricSync;
  readonly watchStatus?: FabricWatch;
  /** Set when an operation of the fabric started: follow it on operationProgress. */
  readonly operationId?: string;
  readonly message?: string;
  readonly at: Timestamp;
}

export type RecordChange = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A live object changed in the fabric's cluster. Scope: the fabric id. */
export interface RecordEvent {
  readonly fabricId: string;
  /** Absent for live objects fabric-sync has no record of (yet). */
  readonly recordId?: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly type: RecordChange;
  readonly state?: RecordState;
  readonly resourceVersion?: string;
  readonly at: Timestamp;
}

/** A drift check wrote a report. Scope: the fabric id. */
export interface DriftReportEvent {
  readonly fabricId: string;
  readonly reportId: string;
  readonly score: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly at: Timestamp;
}

export interface Topics {
  operationProgress: OperationEvent;
  fabricStatus: FabricStatusEvent;
  recordEvents: RecordEvent;
  driftReports: DriftReportEvent;
}

export type TopicName = keyof Topics;

/**
 * One published event. `id` is a decimal integer string, strictly increasing and gapless within one
 * (topic, scope); compare ids as numbers, never as strings of different lengths.
 */
export interface Envelope<T extends TopicName = TopicName> {
  readonly id: string;
  readonly topic: T;
  readonly scopeId: string;
  readonly payload: Topics[T];
}

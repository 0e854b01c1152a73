/** Values resolvers hand to GraphQL types that have no entity of their own. */
import type { OperationEvent, RecordEvent } from '../events/topics.js';
import type { ConnectionResult } from '../cluster/index.js';
import type { ApiToken } from '../store/entities/index.js';

export interface OperationEventView {
  readonly eventId: string;
  readonly event: OperationEvent;
}

export interface RecordEventView {
  readonly eventId: string;
  readonly event: RecordEvent;
}

export interface CreatedApiTokenView {
  readonly token: string;
  readonly apiToken: ApiToken;
}

export interface KindCountView {
  readonly kind: string;
  readonly count: number;
}

export interface StageCountView {
  readonly name: string;
  readonly value: number;
}

export interface DriftCountView {
  readonly type: string;
  readonly count: number;
}

export interface FabricConnectionTestView {
  readonly fabricId: string;
  readonly result: ConnectionResult;
}

import { EntitySchema, type Ref } from '@mikro-orm/core';
import {
  OPERATION_STATUS,
  OPERATION_TRIGGER,
  OPERATION_TYPE,
  type OperationStatus,
  type OperationTrigger,
  type OperationType,
  type StageName,
  type StageStatus,
} from '../../domain/states.js';
import type { Fabric } from './fabric.js';

export interface StageRecord {
  name: StageName;
  status: StageStatus;
  startedAt: string | null;
  finishedAt: string | null;
  counts: Record<string, number>;
  message: string | null;
}

/** Errors stored per operation; `errorCount` says how many there were in all. */
export const MAX_STORED_ERRORS = 1_000;

export interface OperationErrorEntry {
  message: string;
  /** Why, for a program: e.g. SYNC_TOO_LARGE; absent for errors of the input itself. */
  code?: string;
  file?: string;
  line?: number;
  kind?: string;
  name?: string;
  field?: string;
}

/** One run of a pipeline; the audit trail. "Syncing" is a RUNNING operation with a fresh heartbeat. */
export class Operation {
  id!: string;
  fabric!: Ref<Fabric>;
  type!: OperationType;
  trigger: OperationTrigger = 'MANUAL';
  status: OperationStatus = 'QUEUED';
  stages: StageRecord[] = [];
  commit: string | null = null;
  /** The first MAX_STORED_ERRORS errors. */
  errors: OperationErrorEntry[] = [];
  errorCount = 0;
  message: string | null = null;
  /** Extra results a pipeline returns, e.g. the dry-run diff of an apply. */
  result: Record<string, unknown> | null = null;
  dryRun = false;
  requestedBy: string | null = null;
  cancelRequested = false;
  createdAt: Date = new Date();
  startedAt: Date | null = null;
  finishedAt: Date | null = null;
  heartbeatAt: Date | null = null;
}

export const OperationSchema = new EntitySchema<Operation>({
  class: Operation,
  tableName: 'operation',
  indexes: [{ properties: ['fabric', 'createdAt'] }, { properties: ['status', 'heartbeatAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, deleteRule: 'cascade' },
    type: { enum: true, items: () => [...OPERATION_TYPE] },
    trigger: { enum: true, items: () => [...OPERATION_TRIGGER] },
    status: { enum: true, items: () => [...OPERATION_STATUS] },
    stages: { type: 'json' },
    commit: { type: 'string', length: 64, nullable: true },
    errors: { type: 'json' },
    errorCount: { type: 'integer' },
    message: { type: 'text', nullable: true },
    result: { type: 'json', nullable: true },
    dryRun: { type: 'boolean' },
    requestedBy: { type: 'string', length: 255, nullable: true },
    cancelRequested: { type: 'boolean' },
    createdAt: { type: 'datetime' },
    startedAt: { type: 'datetime', nullable: true },
    finishedAt: { type: 'datetime', nullable: true },
    heartbeatAt: { type: 'datetime', nullable: true },
  },
});

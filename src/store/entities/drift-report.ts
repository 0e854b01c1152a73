import { EntitySchema, type Ref } from '@mikro-orm/core';
import { DRIFT_TYPE, SEVERITY, type DriftType, type Severity } from '../../domain/states.js';
import type { JsonValue } from '../../domain/manifest.js';
import type { Fabric } from './fabric.js';

/** One drift check's result, kept as history. */
export class DriftReport {
  id!: string;
  fabric!: Ref<Fabric>;
  operationId: string | null = null;
  commit: string | null = null;
  score = 0;
  counts: Record<string, number> = {};
  createdAt: Date = new Date();
}

/** One differing path of one object (or a whole MISSING/ORPHANED object, path ''). */
export class DriftDifference {
  id!: string;
  report!: Ref<DriftReport>;
  recordId: string | null = null;
  kind!: string;
  namespace!: string;
  name!: string;
  driftType!: DriftType;
  path = '';
  desired: JsonValue | null = null;
  live: JsonValue | null = null;
  severity: Severity = 'MEDIUM';
  position = 0;
}

export const DriftReportSchema = new EntitySchema<DriftReport>({
  class: DriftReport,
  tableName: 'drift_report',
  indexes: [{ properties: ['fabric', 'createdAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, deleteRule: 'cascade' },
    operationId: { type: 'uuid', nullable: true },
    commit: { type: 'string', length: 64, nullable: true },
    score: { type: 'double' },
    counts: { type: 'json' },
    createdAt: { type: 'datetime' },
  },
});

export const DriftDifferenceSchema = new EntitySchema<DriftDifference>({
  class: DriftDifference,
  tableName: 'drift_difference',
  indexes: [{ properties: ['report', 'position'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    report: { kind: 'm:1', entity: 'DriftReport', ref: true, deleteRule: 'cascade' },
    recordId: { type: 'uuid', nullable: true },
    kind: { type: 'string', length: 63 },
    namespace: { type: 'string', length: 63 },
    name: { type: 'string', length: 253 },
    driftType: { enum: true, items: () => [...DRIFT_TYPE] },
    path: { type: 'text' },
    desired: { type: 'json', nullable: true },
    live: { type: 'json', nullable: true },
    severity: { enum: true, items: () => [...SEVERITY] },
    position: { type: 'integer' },
  },
});

import { EntitySchema, type Ref } from '@mikro-orm/core';
import { RECORD_STATE, type RecordState } from '../../domain/states.js';
import type { JsonObject } from '../../domain/manifest.js';
import type { Fabric } from './fabric.js';

/** One desired object of one of the 12 kinds, with where it came from and what the cluster has. */
export class ResourceRecord {
  id!: string;
  fabric!: Ref<Fabric>;
  kind!: string;
  namespace = 'default';
  name!: string;
  labels: Record<string, string> = {};
  annotations: Record<string, string> = {};
  spec: JsonObject = {};
  canonicalHash!: string;
  sourceFile: string | null = null;
  sourceDocument: number | null = null;
  sourceLine: number | null = null;
  sourceCommit: string | null = null;
  state: RecordState = 'PENDING';
  stateMessage: string | null = null;
  /** Why self-heal no longer re-applies this record (another manager keeps changing it); null while it heals. */
  healStopped: string | null = null;
  liveUid: string | null = null;
  liveResourceVersion: string | null = null;
  liveGeneration: number | null = null;
  liveHash: string | null = null;
  liveSeenAt: Date | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const ResourceRecordSchema = new EntitySchema<ResourceRecord>({
  class: ResourceRecord,
  tableName: 'record',
  uniques: [{ properties: ['fabric', 'kind', 'namespace', 'name'] }],
  indexes: [{ properties: ['fabric', 'state'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, deleteRule: 'cascade' },
    kind: { type: 'string', length: 63 },
    namespace: { type: 'string', length: 63 },
    name: { type: 'string', length: 253 },
    labels: { type: 'json' },
    annotations: { type: 'json' },
    spec: { type: 'json' },
    canonicalHash: { type: 'string', length: 64 },
    sourceFile: { type: 'text', nullable: true },
    sourceDocument: { type: 'integer', nullable: true },
    sourceLine: { type: 'integer', nullable: true },
    sourceCommit: { type: 'string', length: 64, nullable: true },
    state: { enum: true, items: () => [...RECORD_STATE] },
    stateMessage: { type: 'text', nullable: true },
    healStopped: { type: 'text', nullable: true },
    liveUid: { type: 'string', length: 64, nullable: true },
    liveResourceVersion: { type: 'string', length: 64, nullable: true },
    liveGeneration: { type: 'integer', nullable: true },
    liveHash: { type: 'string', length: 64, nullable: true },
    liveSeenAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

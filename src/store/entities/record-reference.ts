import { EntitySchema, type Ref } from '@mikro-orm/core';
import type { Fabric } from './fabric.js';
import type { ResourceRecord } from './record.js';

/**
 * Reverse-reference index, written at persist time from the kind registry's reference rules,
 * so "who points at X" is an indexed lookup instead of a scan of every spec.
 */
export class RecordReference {
  id!: string;
  fabric!: Ref<Fabric>;
  source!: Ref<ResourceRecord>;
  /** The reference kind (domain/reference-edges.ts), e.g. attachmentConnection. */
  edge!: string;
  field!: string;
  targetKind!: string;
  targetName!: string;
}

export const RecordReferenceSchema = new EntitySchema<RecordReference>({
  class: RecordReference,
  tableName: 'record_reference',
  indexes: [{ properties: ['fabric', 'targetKind', 'targetName'] }, { properties: ['source'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, deleteRule: 'cascade' },
    source: { kind: 'm:1', entity: 'ResourceRecord', ref: true, deleteRule: 'cascade' },
    edge: { type: 'string', length: 63 },
    field: { type: 'text' },
    targetKind: { type: 'string', length: 63 },
    targetName: { type: 'string', length: 253 },
  },
});

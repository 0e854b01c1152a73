import { EntitySchema, type Ref } from '@mikro-orm/core';
import type { Fabric } from './fabric.js';

/**
 * The fencing token of a fabric's operations (src/sync/operation-fence.ts): `epoch` grows by one
 * with every take of the fabric's operation lock. A row of its own, not a fabric column, so that
 * taking it never waits for a writer of the fabric row (PERSIST's transaction, a settings change).
 */
export class OperationLease {
  fabric!: Ref<Fabric>;
  epoch = 0;
}

export const OperationLeaseSchema = new EntitySchema<OperationLease>({
  class: OperationLease,
  tableName: 'operation_lease',
  properties: {
    fabric: { kind: 'm:1', entity: 'Fabric', ref: true, primary: true, deleteRule: 'cascade' },
    epoch: { type: 'integer' },
  },
});

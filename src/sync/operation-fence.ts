/**
 * Fencing of a fabric's operations. The advisory lock says who may run them, but a replica learns
 * that it lost the lock only some time after PostgreSQL released it; a new holder may start in
 * between. So every take of the lock takes a new epoch (`operation_lease.epoch`), and every write
 * of an operation's row names the epoch of the take it runs under and the status it last stored:
 * once another replica has taken the lock, or the row has moved on, the write matches no row.
 */
import { raw } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';

/** The fabric's new epoch, for the caller that has just taken its operation lock. */
export async function takeOperationEpoch(orm: MikroORM, fabricId: string): Promise<number> {
  const rows: { epoch: number }[] = await orm.em.getConnection().execute(
    `insert into "operation_lease" ("fabric_id", "epoch") values (?, 1)
     on conflict ("fabric_id") do update set "epoch" = "operation_lease"."epoch" + 1 returning "epoch"`,
    [fabricId],
  );
  return rows[0]!.epoch;
}

/**
 * The condition of an operation write under `epoch`: the fabric's lease is still at it. Raw SQL
 * because MikroORM turns a condition on the relation into a subquery update that encodes JSON twice.
 */
export const writtenUnder = (epoch: number): Record<string, number> => ({
  [raw(
    '(select "epoch" from "operation_lease" where "operation_lease"."fabric_id" = "operation"."fabric_id")',
  )]: epoch,
});

/** A write of the operation matched no row: another replica has taken it over. Nothing more is written. */
export class OperationFenced extends Error {
  constructor(operationId: string) {
    super(
      `operation ${operationId} was taken over by another holder of its fabric's lock; it writes nothing more`,
    );
    this.name = 'OperationFenced';
  }
}

/** The abort reason of an operation whose lock session failed; it ends FAILED, if it still may write. */
export class LostFabricLock extends Error {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `lost the fabric lock (${why}); another replica may run this fabric's operations now, start it again`,
      {
        cause,
      },
    );
    this.name = 'LostFabricLock';
  }
}

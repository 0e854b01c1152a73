/**
 * After a push to the fabric's branch: run the fabric's git sync and wait for it, so the caller gets
 * the records as the database now holds them. The wait is cheap (an unchanged file is not even
 * re-read) and bounded; past the bound the running operation is returned for the caller to follow.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { isTerminal } from '../../domain/states.js';
import type { EventBus } from '../../events/event-bus.js';
import { FROM_OLDEST } from '../../events/index.js';
import { Operation } from '../../store/entities/index.js';
import type { OperationService } from '../operation-service.js';

export interface FollowSyncDeps {
  readonly orm: MikroORM;
  readonly operations: OperationService;
  readonly events: EventBus;
}

/** Joining an operation that was already running can miss the commit; a few fresh starts catch up. */
const MAX_STARTS = 3;

export async function syncCommit(
  deps: FollowSyncDeps,
  {
    fabricId,
    commit,
    pushedAt,
    timeoutMs,
  }: { fabricId: string; commit: string; pushedAt: Date; timeoutMs: number },
): Promise<Operation> {
  const signal = AbortSignal.timeout(timeoutMs);
  let op!: Operation;
  for (let start = 0; start < MAX_STARTS; start++) {
    op = await waitForEnd(
      deps,
      await deps.operations.start({ fabricId, type: 'GIT_SYNC', trigger: 'MANUAL' }),
      signal,
    );
    if (!isTerminal(op.status) || coversCommit(op, commit, pushedAt)) return op;
  }
  return op;
}

/** A git sync that read the pushed commit, or started after the push (so it read it or a later one). */
const coversCommit = (op: Operation, commit: string, pushedAt: Date): boolean =>
  op.type === 'GIT_SYNC' && (op.commit === commit || op.createdAt >= pushedAt);

async function waitForEnd(
  { orm, events }: FollowSyncDeps,
  op: Operation,
  signal: AbortSignal,
): Promise<Operation> {
  if (isTerminal(op.status)) return op;
  const progress = events.subscribe('operationProgress', op.id, { after: FROM_OLDEST, signal });
  try {
    await progress.ready;
    // The operation may have ended before the subscription; its row says so.
    const current = await load(orm, op.id);
    if (isTerminal(current.status)) return current;
    for await (const { payload } of progress) if (isTerminal(payload.status)) break;
  } finally {
    await progress.return();
  }
  return load(orm, op.id);
}

async function load(orm: MikroORM, id: string): Promise<Operation> {
  return orm.em.fork().findOneOrFail(Operation, id);
}

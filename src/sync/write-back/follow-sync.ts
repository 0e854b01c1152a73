/**
 * After a push to the fabric's branch: run the fabric's git sync and wait for it, so the caller gets
 * the records as the database now holds them. The wait is cheap (an unchanged file is not even
 * re-read) and bounded; past the bound the running operation is returned for the caller to follow.
 */
import { isTerminal } from '../../domain/states.js';
import type { Operation } from '../../store/entities/index.js';
import { operationEnd, type OperationEndDeps } from '../operation-end.js';
import type { OperationService } from '../operation-service.js';

export interface FollowSyncDeps extends OperationEndDeps {
  readonly operations: OperationService;
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
    op = await operationEnd(
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

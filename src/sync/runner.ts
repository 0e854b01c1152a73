/**
 * Runs a pipeline's stages in order through its OperationHandle; the one top-level boundary that
 * turns any outcome — success, early finish, failure, cancellation, a lost lock, a crash — into a
 * final status. An aborted signal's reason is the outcome, whatever the aborted call threw. A
 * fenced write (another holder owns the operation now) ends the run without writing anything.
 */
import type { Logger } from 'pino';
import type { Redactor } from '../security/redactor.js';
import { LostFabricLock, OperationFenced } from './operation-fence.js';
import type { OperationHandle } from './operation-handle.js';
import type { Pipeline } from './operation-service.js';
import { OperationCancelled, OperationFailure, throwIfCancelled, type Stage } from './stage.js';

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly redactor: Redactor;
}

/** The pipeline that runs `stages` on a fresh context per operation; its stage list is theirs. */
export function stagedPipeline<C>(
  stages: readonly Stage<C>[],
  contextFor: (op: OperationHandle) => C,
): Pipeline {
  return {
    stageNames: () => stages.map((s) => s.name),
    execute: (op, options) => runOperation(op, stages, contextFor(op), options),
  };
}

export async function runOperation<C>(
  op: OperationHandle,
  stages: readonly Stage<C>[],
  ctx: C,
  { signal, log, redactor }: RunOptions,
): Promise<void> {
  let current: Stage<C> | undefined;
  try {
    const messages: string[] = [];
    for (const stage of stages) {
      throwIfCancelled(signal);
      current = stage;
      await op.startStage(stage.name);
      const result = await stage.run(ctx, signal);
      await op.finishStage(stage.name, 'SUCCEEDED', result.counts, result.message ?? null);
      current = undefined;
      if (result.message) messages.push(result.message);
      if (result.finishEarly) break;
    }
    await op.finish('SUCCEEDED', messages.join('; ') || null);
  } catch (thrown) {
    if (thrown instanceof OperationFenced) throw thrown;
    const err: unknown = signal.aborted ? abortReason(signal) : thrown;
    const outcome = classify(err, redactor);
    if (outcome.status === 'FAILED' && !(err instanceof OperationFailure))
      log.error(
        { err: redactor.redactDeep(err), operationId: op.id, fabricId: op.fabricId },
        'operation crashed',
      );
    if (current) await op.finishStage(current.name, outcome.status, {}, outcome.message);
    await op.finish(outcome.status, outcome.message, outcome.errors, outcome.errorCount);
  }
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof LostFabricLock || reason instanceof OperationCancelled
    ? reason
    : new OperationCancelled();
}

function classify(err: unknown, redactor: Redactor) {
  if (err instanceof OperationCancelled)
    return { status: 'CANCELLED' as const, message: err.message, errors: [], errorCount: 0 };
  if (err instanceof LostFabricLock)
    return { status: 'FAILED' as const, message: redactor.redact(err.message), errors: [], errorCount: 0 };
  if (err instanceof OperationFailure)
    return {
      status: 'FAILED' as const,
      message: redactor.redact(err.message),
      errors: err.errors.map((e) => ({ ...e, message: redactor.redact(e.message) })),
      errorCount: err.errorCount,
    };
  const message = redactor.redact(err instanceof Error ? err.message : String(err));
  return {
    status: 'FAILED' as const,
    message: `internal error: ${message}`,
    errors: [{ message }],
    errorCount: 1,
  };
}

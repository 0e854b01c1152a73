/**
 * The only writer of an operation's status and stages: each transition is checked against the
 * state machine, stored, then published — in that order, before the next stage starts. Every write
 * is fenced (operation-fence.ts): it names the status last stored and, for a holder of the fabric's
 * lock, the epoch of its take; a write that matches no row throws OperationFenced.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from '../events/event-bus.js';
import type { OperationEvent } from '../events/topics.js';
import {
  transitionOperation,
  transitionStage,
  type OperationStatus,
  type StageName,
} from '../domain/states.js';
import { Operation, type OperationErrorEntry, type StageRecord } from '../store/entities/index.js';
import { OperationFenced, writtenUnder } from './operation-fence.js';
import { retryOnLostConnection } from './operation-retry.js';

export class OperationHandle {
  /** The status the row had after this handle's last write: what the next write expects to find. */
  private stored: OperationStatus;

  /**
   * `epoch`: the take of the fabric's lock this handle writes under; null for the sweep that fails
   * an operation whose heartbeat stopped without taking the lock (it expects the status only).
   */
  constructor(
    readonly operation: Operation,
    private readonly orm: MikroORM,
    private readonly events: EventBus,
    private readonly epoch: number | null,
  ) {
    this.stored = operation.status;
  }

  get id(): string {
    return this.operation.id;
  }

  get fabricId(): string {
    return this.operation.fabric.id;
  }

  async startStage(name: StageName): Promise<void> {
    const stage = this.stage(name);
    stage.status = transitionStage(stage.status, 'RUNNING');
    stage.startedAt = new Date().toISOString();
    await this.save({ stages: this.operation.stages }, stage);
  }

  async finishStage(
    name: StageName,
    status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED',
    counts: Readonly<Record<string, number>> = {},
    message: string | null = null,
  ): Promise<void> {
    const stage = this.stage(name);
    stage.status = transitionStage(stage.status, status);
    stage.finishedAt = new Date().toISOString();
    stage.counts = { ...stage.counts, ...counts };
    stage.message = message;
    await this.save({ stages: this.operation.stages }, stage);
  }

  /**
   * Stages that never started are marked SKIPPED (or CANCELLED) so the record says why they did not
   * run; a stage still RUNNING (its process died: failStale) ends with the operation's status.
   * `errors` are those stored (OperationFailure keeps the first MAX_STORED_ERRORS); `errorCount`
   * counts all of them. Retried on a fresh connection when the one it used was lost: an outcome
   * left unwritten would keep the operation RUNNING until the sweep fails it.
   */
  async finish(
    status: Extract<OperationStatus, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'>,
    message: string | null,
    errors: readonly OperationErrorEntry[] = [],
    errorCount = errors.length,
    result?: Record<string, unknown>,
  ): Promise<void> {
    const op = this.operation;
    op.status = transitionOperation(op.status, status);
    op.finishedAt = new Date();
    for (const stage of op.stages) {
      if (stage.status === 'PENDING')
        stage.status = transitionStage('PENDING', status === 'CANCELLED' ? 'CANCELLED' : 'SKIPPED');
      else if (stage.status === 'RUNNING') {
        stage.status = transitionStage('RUNNING', status);
        stage.finishedAt = op.finishedAt.toISOString();
      }
    }
    op.message = message;
    op.errors = [...errors];
    op.errorCount = errorCount;
    if (result) op.result = result;
    await this.save(
      {
        status: op.status,
        stages: op.stages,
        message,
        errors: op.errors,
        errorCount,
        finishedAt: op.finishedAt,
        ...(result ? { result } : {}),
      },
      undefined,
      retryOnLostConnection,
    );
  }

  async setCommit(commit: string): Promise<void> {
    this.operation.commit = commit;
    await this.write({ commit });
  }

  /** Whether a cancel was requested; throws OperationFenced once the operation is no longer ours. */
  async heartbeat(): Promise<boolean> {
    const now = new Date();
    this.operation.heartbeatAt = now;
    await this.write({ heartbeatAt: now });
    const row = await this.orm.em.fork().findOne(Operation, this.id, { fields: ['cancelRequested'] });
    return row?.cancelRequested ?? false;
  }

  private stage(name: StageName): StageRecord {
    const stage = this.operation.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`operation ${this.id} has no stage ${name}`);
    return stage;
  }

  private async save(
    changes: Partial<Operation>,
    stage?: StageRecord,
    attempt: (write: () => Promise<void>) => Promise<void> = (write) => write(),
  ): Promise<void> {
    await attempt(() => this.write(changes));
    await this.events.publish('operationProgress', this.id, this.event(stage));
  }

  private async write(changes: Partial<Operation>): Promise<void> {
    const fence = this.epoch === null ? {} : writtenUnder(this.epoch);
    const where = { id: this.id, status: this.stored, ...fence };
    const updated = await this.orm.em.fork().nativeUpdate(Operation, where, changes);
    if (updated === 0) throw new OperationFenced(this.id);
    this.stored = this.operation.status;
  }

  private event(stage?: StageRecord): OperationEvent {
    const op = this.operation;
    return {
      fabricId: this.fabricId,
      operationId: op.id,
      type: op.type,
      status: op.status,
      at: new Date().toISOString(),
      ...(stage
        ? {
            stage: {
              name: stage.name,
              status: stage.status,
              counts: stage.counts,
              ...(stage.startedAt ? { startedAt: stage.startedAt } : {}),
              ...(stage.finishedAt ? { finishedAt: stage.finishedAt } : {}),
            },
          }
        : {}),
      ...(op.errors.length ? { errors: op.errors } : {}),
      ...(op.message ? { message: op.message } : {}),
    };
  }
}

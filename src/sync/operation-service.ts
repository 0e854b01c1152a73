/**
 * Starts operations (one per fabric at a time: a second request joins the running one), runs them
 * in the background with heartbeats, cancels them at safe points and stops them when their fabric's
 * lock (operation-lock.ts) is lost. The ones a dead process left RUNNING are failed by
 * stale-operations.ts.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { notFound } from '../domain/errors.js';
import { isTerminal, type OperationTrigger, type OperationType, type StageName } from '../domain/states.js';
import { fabricSuspended, runsWhileSuspended } from '../domain/suspension.js';
import type { EventBus } from '../events/event-bus.js';
import type { Redactor } from '../security/redactor.js';
import type { AdvisoryLocks } from '../store/advisory-locks.js';
import { Fabric, Operation } from '../store/entities/index.js';
import { LostFabricLock, OperationFenced } from './operation-fence.js';
import { OperationHandle } from './operation-handle.js';
import { OperationLocks, type Hold } from './operation-lock.js';
import type { RunOptions } from './runner.js';
import { OperationCancelled } from './stage.js';
import { StaleOperations } from './stale-operations.js';

export interface OperationRequest {
  readonly fabricId: string;
  readonly type: OperationType;
  readonly trigger?: OperationTrigger;
  readonly dryRun?: boolean;
  readonly requestedBy?: string;
}

/** What an operation type runs; each pipeline module exports one. */
export interface Pipeline {
  stageNames(request: OperationRequest): readonly StageName[];
  execute(op: OperationHandle, options: RunOptions): Promise<void>;
}

export interface OperationServiceOptions {
  readonly orm: MikroORM;
  readonly events: EventBus;
  readonly locks: AdvisoryLocks;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly pipelines: Readonly<Partial<Record<OperationType, Pipeline>>>;
  readonly heartbeatMs?: number;
  /** A RUNNING operation whose heartbeat is older than this belongs to a dead process. */
  readonly staleAfterMs?: number;
  /** Told when an operation this process ran has ended (metrics). */
  readonly onFinished?: (op: Operation) => void;
}

interface Running {
  readonly operationId: Promise<string>;
  controller?: AbortController;
  /** Settles when the operation has recorded its outcome (what drain() waits for). */
  finished?: Promise<void>;
  /** The take of the fabric's lock it runs under: what a write for it must name. */
  epoch?: number;
}

export class OperationService {
  private readonly running = new Map<string, Running>();
  /** Set once shutdown began: an operation that starts after it is cancelled at once. */
  private stopping: OperationCancelled | undefined;
  private readonly heartbeatMs: number;
  private readonly locks: OperationLocks;
  private readonly stale: StaleOperations;

  constructor(private readonly options: OperationServiceOptions) {
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.locks = new OperationLocks(options.orm, options.locks);
    this.stale = new StaleOperations({
      orm: options.orm,
      events: options.events,
      locks: this.locks,
      staleAfterMs: options.staleAfterMs ?? 60_000,
      runsHere: (fabricId) => this.running.has(fabricId),
    });
  }

  /**
   * Returns at once with the new operation, or with the one already running for the fabric.
   * FABRIC_SUSPENDED for what a suspended fabric does not run, before joining too: every start
   * (manual, schedule, webhook, self-heal) comes here, so this is the one place that holds them back.
   */
  async start(request: OperationRequest): Promise<Operation> {
    await this.refuseIfSuspended(request);
    const joined = this.running.get(request.fabricId);
    if (joined) {
      const op = await this.load(await joined.operationId);
      if (!isTerminal(op.status)) return op;
      // It has just ended and is letting go of the lock: start anew once it has.
      await joined.finished;
      return this.start(request);
    }
    const slot: Running = {
      operationId: this.begin(
        request,
        (controller, finished, epoch) => void Object.assign(slot, { controller, finished, epoch }),
      ),
    };
    this.running.set(request.fabricId, slot);
    const release = () =>
      this.running.get(request.fabricId) === slot && this.running.delete(request.fabricId);
    try {
      const operationId = await slot.operationId;
      if (!slot.controller) release(); // joined another replica's operation: nothing runs here
      return await this.load(operationId);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Operations already running when the fabric was suspended finish; only new starts are refused. */
  private async refuseIfSuspended({ fabricId, type }: OperationRequest): Promise<void> {
    if (runsWhileSuspended(type)) return;
    const fabric = await this.options.orm.em
      .fork()
      .findOne(Fabric, fabricId, { fields: ['name', 'suspended', 'suspendedReason'] });
    if (fabric?.suspended) throw fabricSuspended(fabric.name, type, fabric.suspendedReason);
  }

  /** Whether the fabric has an operation running in this process (the scheduler skips it). */
  isRunning(fabricId: string): boolean {
    return this.running.has(fabricId);
  }

  /** Marks the operation for cancellation; the replica running it stops at its next safe point. */
  async cancel(operationId: string): Promise<Operation> {
    const em = this.options.orm.em.fork();
    const op = await em.findOne(Operation, operationId);
    if (!op) throw notFound('operation', operationId);
    if (op.status === 'RUNNING' || op.status === 'QUEUED') {
      await em.nativeUpdate(Operation, { id: operationId }, { cancelRequested: true });
      this.running.get(op.fabric.id)?.controller?.abort();
    }
    return this.load(operationId);
  }

  /**
   * Fails operations whose process is gone (crash, SIGKILL, lost node): with `holder`, the caller
   * holds that fabric's lock, so every operation still RUNNING there is stale (stale-operations.ts).
   */
  async failStale(holder?: { readonly fabricId: string; readonly epoch: number }): Promise<number> {
    return this.stale.failStale(holder);
  }

  /**
   * Shutdown: cancels every operation running in this process with `reason` (they stop at their
   * next safe point and store CANCELLED) and waits up to `graceMs` for them. One still running then
   * (inside PERSIST's transaction, which no cancel enters) is stored FAILED under its own lock
   * epoch, so its late outcome is fenced off. Returns how many it failed; one it could not write
   * (its database unreachable) is failed by the next replica to look, once this process is gone.
   */
  async shutdown(reason: string, graceMs: number): Promise<number> {
    this.stopping = new OperationCancelled(reason);
    for (const running of this.running.values()) running.controller?.abort(this.stopping);
    const drained = this.drain().then(() => true);
    if (await Promise.race([drained, sleep(graceMs, false, { ref: false })])) return 0;
    const why = `the server shut down before this operation stopped (waited ${graceMs / 1000} s)`;
    const failed = await Promise.allSettled(
      [...this.running.values()].map(async ({ operationId, epoch }) =>
        this.stale.failDead(await this.load(await operationId), epoch ?? null, why),
      ),
    );
    return failed.filter((result) => result.status === 'fulfilled' && result.value).length;
  }

  /** Waits for every operation running in this process (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running.size > 0)
      await Promise.allSettled([...this.running.values()].map((r) => r.operationId.then(() => r.finished)));
  }

  private async begin(
    request: OperationRequest,
    started: (controller: AbortController, finished: Promise<void>, epoch: number) => void,
  ): Promise<string> {
    const { orm } = this.options;
    const pipeline = this.options.pipelines[request.type];
    if (!pipeline) throw new Error(`no pipeline for ${request.type}`);
    if (!(await orm.em.fork().count(Fabric, { id: request.fabricId })))
      throw notFound('fabric', request.fabricId);
    const hold = await this.locks.acquireOrJoin(request.fabricId);
    if (typeof hold === 'string') return hold;
    try {
      // We hold the fabric's lock, so any operation still marked RUNNING lost its process or lock.
      await this.failStale({ fabricId: request.fabricId, epoch: hold.epoch });
      const op = await this.create(request, pipeline);
      const controller = new AbortController();
      if (this.stopping) controller.abort(this.stopping);
      started(controller, this.execute(op, pipeline, controller, hold), hold.epoch);
      return op.id;
    } catch (err) {
      await hold.lease.release();
      throw err;
    }
  }

  private async execute(
    op: Operation,
    pipeline: Pipeline,
    controller: AbortController,
    { lease, epoch }: Hold,
  ): Promise<void> {
    const { orm, events, log, redactor } = this.options;
    const handle = new OperationHandle(op, orm, events, epoch);
    // Losing the lock stops every further cluster call and write, not just at the next safe point.
    const lostLock = () => controller.abort(new LostFabricLock(lease.lost.reason));
    if (lease.lost.aborted) lostLock();
    else lease.lost.addEventListener('abort', lostLock, { once: true });
    const beat = setInterval(() => {
      handle.heartbeat().then(
        (cancelRequested) => cancelRequested && controller.abort(),
        (err: unknown) => {
          if (err instanceof OperationFenced) controller.abort(new LostFabricLock(err));
          log.warn({ err: redactor.redactDeep(err), operationId: op.id }, 'heartbeat failed');
        },
      );
    }, this.heartbeatMs);
    try {
      await pipeline.execute(handle, {
        signal: controller.signal,
        log: log.child({ operationId: op.id, fabricId: op.fabric.id }),
        redactor,
      });
    } catch (err) {
      if (err instanceof OperationFenced)
        log.warn(
          { operationId: op.id },
          'operation stopped: another holder of its fabric’s lock took it over',
        );
      else
        log.error(
          { err: redactor.redactDeep(err), operationId: op.id },
          'operation could not record its outcome',
        );
    } finally {
      lease.lost.removeEventListener('abort', lostLock);
      clearInterval(beat);
      this.options.onFinished?.(handle.operation);
      if (this.running.get(op.fabric.id)?.controller === controller) this.running.delete(op.fabric.id);
      await lease
        .release()
        .catch((err: unknown) => log.warn({ err: redactor.redactDeep(err) }, 'lock release failed'));
    }
  }

  private async create(request: OperationRequest, pipeline: Pipeline): Promise<Operation> {
    const em = this.options.orm.em.fork();
    const now = new Date();
    const op = Object.assign(new Operation(), {
      id: randomUUID(),
      fabric: em.getReference(Fabric, request.fabricId, { wrapped: true }),
      type: request.type,
      trigger: request.trigger ?? 'MANUAL',
      status: 'RUNNING' as const,
      dryRun: request.dryRun ?? false,
      requestedBy: request.requestedBy ?? null,
      stages: pipeline.stageNames(request).map((name) => ({
        name,
        status: 'PENDING' as const,
        startedAt: null,
        finishedAt: null,
        counts: {},
        message: null,
      })),
      createdAt: now,
      startedAt: now,
      heartbeatAt: now,
    });
    em.persist(op);
    await em.flush();
    await this.options.events.publish('operationProgress', op.id, {
      fabricId: request.fabricId,
      operationId: op.id,
      type: op.type,
      status: op.status,
      at: now.toISOString(),
    });
    // Fabric watchers learn of operations started by anyone (schedule, webhook, another client).
    await this.options.events.publish('fabricStatus', request.fabricId, {
      fabricId: request.fabricId,
      operationId: op.id,
      message: `${op.type} operation started`,
      at: now.toISOString(),
    });
    return op;
  }

  private async load(id: string): Promise<Operation> {
    const op = await this.options.orm.em.fork().findOne(Operation, id);
    if (!op) throw notFound('operation', id);
    return op;
  }
}

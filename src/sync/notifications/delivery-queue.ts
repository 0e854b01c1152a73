/**
 * Sending, off every pipeline's path: a bounded in-process queue drained by a few workers. Each
 * delivery is tried up to `retryDelaysMs.length + 1` times, waiting each delay in turn between
 * tries; its row records every try. A full queue fails the delivery at once rather than grow.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NotificationEvent } from '../../domain/notification-events.js';
import type { Redactor } from '../../security/redactor.js';
import { recordAttempt } from '../../store/notification-deliveries.js';
import { notificationHeaders } from './message.js';

export interface DeliveryJob {
  readonly deliveryId: string;
  readonly url: string;
  readonly event: NotificationEvent;
  readonly body: string;
  readonly secret: string | undefined;
}

export interface DeliveryQueueOptions {
  readonly orm: MikroORM;
  readonly log: Logger;
  readonly redactor: Redactor;
  /** Waits between tries: by default a failed first try is retried after 1 s, 5 s and 25 s. */
  readonly retryDelaysMs?: readonly number[];
  readonly capacity?: number;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

export class DeliveryQueue {
  private readonly waiting: DeliveryJob[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private active = 0;
  private readonly stopping = new AbortController();

  constructor(private readonly options: DeliveryQueueOptions) {}

  /** Never waits for the receiver; a full queue records the delivery as FAILED. */
  async enqueue(job: DeliveryJob): Promise<void> {
    const { capacity = 1000, concurrency = 4 } = this.options;
    if (this.waiting.length >= capacity) {
      await this.record(job, {
        status: 'FAILED',
        attempts: 0,
        statusCode: null,
        error: 'delivery queue full',
      });
      return;
    }
    this.waiting.push(job);
    if (this.active < concurrency) void this.work();
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abandons retries in progress: their rows keep the last try's outcome. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.waiting.length = 0;
    await this.idle();
  }

  private async work(): Promise<void> {
    this.active++;
    try {
      for (let job = this.waiting.shift(); job; job = this.waiting.shift()) await this.deliver(job);
    } finally {
      this.active--;
      if (this.active === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
    }
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const { retryDelaysMs = [1000, 5000, 25_000] } = this.options;
    for (let attempt = 1; ; attempt++) {
      const { statusCode, error } = await this.post(job);
      const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
      const last = ok || attempt > retryDelaysMs.length || this.stopping.signal.aborted;
      const status = ok ? 'DELIVERED' : last ? 'FAILED' : 'PENDING';
      await this.record(job, { status, attempts: attempt, statusCode, error });
      if (last) return;
      await sleep(retryDelaysMs[attempt - 1], undefined, { signal: this.stopping.signal }).catch(() => {});
    }
  }

  private async post(job: DeliveryJob): Promise<{ statusCode: number | null; error: string | null }> {
    try {
      const response = await fetch(job.url, {
        method: 'POST',
        headers: notificationHeaders(job.body, job.event, job.deliveryId, job.secret),
        body: job.body,
        redirect: 'manual',
        signal: AbortSignal.any([
          AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          this.stopping.signal,
        ]),
      });
      await response.body?.cancel();
      return { statusCode: response.status, error: response.ok ? null : `HTTP ${response.status}` };
    } catch (err) {
      const message =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      return { statusCode: null, error: this.options.redactor.redact(message) };
    }
  }

  private async record(job: DeliveryJob, outcome: Parameters<typeof recordAttempt>[2]): Promise<void> {
    await recordAttempt(this.options.orm, job.deliveryId, outcome).catch((err: unknown) =>
      this.options.log.warn(
        { err: this.options.redactor.redactDeep(err), deliveryId: job.deliveryId },
        'could not record a notification try',
      ),
    );
  }
}

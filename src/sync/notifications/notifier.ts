/**
 * Follows, on the event bus, every fabric that has a notification sink, turns its events into
 * transitions and hands each sink's new delivery to the queue. Every replica follows every such
 * fabric; the unique (sink, transition) row makes exactly one of them send. Nothing here waits for
 * a receiver, and the bus buffers for a slow follower, so no pipeline waits for notifications.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { isTerminal } from '../../domain/states.js';
import { FROM_OLDEST, type EventBus, type TopicName, type Topics } from '../../events/index.js';
import { Fabric, NotificationSink } from '../../store/entities/index.js';
import { recordDelivery } from '../../store/notification-deliveries.js';
import { SECRET_SLOTS, type Vault } from '../../security/vault.js';
import { RescanLoop } from '../rescan-loop.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { notificationBody, type Notification } from './message.js';
import { driftReported, operationEnded, watchChanged, type Transition } from './transitions.js';

export interface NotifierOptions {
  readonly orm: MikroORM;
  readonly events: EventBus;
  readonly vault: Vault;
  readonly queue: Pick<DeliveryQueue, 'enqueue'>;
  readonly log: Logger;
}

export class Notifier {
  /** Per followed fabric, what ends its subscriptions. */
  private readonly followed = new Map<string, AbortController>();
  /** Subscription loops, ended by stop(). */
  private readonly loops = new Set<Promise<void>>();
  /** Events being judged and recorded, what settled() waits for. */
  private readonly handling = new Set<Promise<void>>();
  private readonly rescans = new RescanLoop(
    () => this.scan(),
    (err) => this.options.log.error({ err }, 'notification rescan failed; retrying at the next rescan'),
  );

  constructor(private readonly options: NotifierOptions) {}

  start(rescanMs = 30_000): void {
    this.rescans.start(rescanMs);
  }

  async stop(): Promise<void> {
    await this.rescans.stop();
    for (const id of [...this.followed.keys()]) this.unfollow(id);
    await Promise.allSettled([...this.loops]);
  }

  /** Resolves once every event received so far is turned into deliveries (tests). */
  async settled(): Promise<void> {
    while (this.handling.size > 0) await Promise.allSettled([...this.handling]);
  }

  /** One pass: follow fabrics that gained a sink, leave those that lost their last. */
  async scan(): Promise<void> {
    const rows = await this.options.orm.em
      .fork()
      .getConnection()
      .execute<{ fabric_id: string }[]>('select distinct fabric_id from notification_sink');
    const wanted = new Set(rows.map((r) => r.fabric_id));
    for (const id of this.followed.keys()) if (!wanted.has(id)) this.unfollow(id);
    await Promise.all([...wanted].filter((id) => !this.followed.has(id)).map((id) => this.follow(id)));
  }

  /** Resolves once the fabric's subscriptions receive every later event. */
  async follow(fabricId: string): Promise<void> {
    if (this.followed.has(fabricId)) return;
    const stop = new AbortController();
    this.followed.set(fabricId, stop);
    await Promise.all([
      this.each('fabricStatus', fabricId, stop.signal, undefined, async (status) => {
        if (status.operationId) this.track(this.afterOperation(status.operationId, stop.signal));
        return watchChanged(status);
      }),
      this.each('driftReports', fabricId, stop.signal, undefined, (report) =>
        driftReported(this.options.orm, report),
      ),
    ]);
  }

  private unfollow(fabricId: string): void {
    this.followed.get(fabricId)?.abort();
    this.followed.delete(fabricId);
  }

  private async afterOperation(operationId: string, signal: AbortSignal): Promise<void> {
    let ended = false;
    await this.each(
      'operationProgress',
      operationId,
      signal,
      FROM_OLDEST,
      async (event) => {
        if (ended || !isTerminal(event.status)) return null;
        ended = true;
        return operationEnded(this.options.orm, operationId);
      },
      () => ended,
    );
  }

  /**
   * Subscribes and, in the background, judges each event; resolves once subscribed. A subscription
   * that fails (a slow follower) is forgotten, so the next rescan follows the fabric again.
   */
  private async each<T extends TopicName>(
    topic: T,
    scopeId: string,
    signal: AbortSignal,
    after: string | undefined,
    judge: (payload: Topics[T]) => Promise<Transition | null> | Transition | null,
    done: () => boolean = () => false,
  ): Promise<void> {
    const subscription = this.options.events.subscribe(topic, scopeId, {
      signal,
      ...(after ? { after } : {}),
    });
    await subscription.ready;
    this.loop(
      (async () => {
        try {
          for await (const { payload } of subscription) {
            const handled = (async () => {
              const transition = await judge(payload);
              if (transition) await this.notify(payload.fabricId, transition);
            })();
            this.track(handled, this.handling);
            await handled; // in order: a recovery is never judged before the failure it follows
            if (done()) break;
          }
        } catch (err) {
          this.options.log.warn({ err, topic, scopeId }, 'notification subscription ended');
          if (topic !== 'operationProgress') this.unfollow(scopeId);
        } finally {
          await subscription.return();
        }
      })(),
    );
  }

  private loop(work: Promise<void>): void {
    this.track(work, this.loops);
  }

  private track(work: Promise<void>, set: Set<Promise<void>> = this.handling): void {
    const tracked = work.finally(() => set.delete(tracked));
    set.add(tracked);
  }

  /** One delivery per sink that wants the event; only a newly recorded, unsuppressed one is sent. */
  private async notify(fabricId: string, transition: Transition): Promise<void> {
    const { orm, vault, queue } = this.options;
    const em = orm.em.fork();
    const fabric = await em.findOne(Fabric, fabricId, { fields: ['name'] });
    const sinks = await em.find(
      NotificationSink,
      { fabric: fabricId, events: { $contains: [transition.event] } },
      { populate: ['secretCiphertext'] },
    );
    for (const sink of sinks) {
      const base = {
        event: transition.event,
        fabricId,
        fabricName: fabric?.name ?? fabricId,
        message: transition.message,
        at: new Date().toISOString(),
        ...(transition.subjectId ? { subjectId: transition.subjectId } : {}),
      };
      const recorded = await recordDelivery(orm, {
        sinkId: sink.id,
        transitionId: transition.id,
        event: transition.event,
        payload: { ...base, suppressed: 0 },
      });
      if (recorded?.status !== 'PENDING') continue;
      const notification: Notification = { ...base, suppressed: recorded.suppressed };
      await queue.enqueue({
        deliveryId: recorded.id,
        url: sink.url,
        event: transition.event,
        body: notificationBody(notification, sink.format),
        secret: vault.openOptional(sink.secretCiphertext, SECRET_SLOTS.notificationSinkSecret(sink.id)),
      });
    }
  }
}

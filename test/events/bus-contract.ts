/**
 * The behaviour every EventBus implementation promises. Each implementation's test file calls
 * `busContract` with a factory; the factory's buses are closed after each test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import {
  EventBusError,
  EventsExpiredError,
  FROM_OLDEST,
  SlowConsumerError,
  type EventBus,
} from '../../src/events/index.js';
import { areConsecutive, names, recordEvent, take, takeUntil, within } from './support.js';

export type BusFactory = (options: { historySize?: number }) => EventBus;

export function busContract(implementation: string, factory: BusFactory): void {
  describe(`${implementation} (event bus contract)`, () => {
    const open: EventBus[] = [];
    const makeBus = (options: { historySize?: number } = {}) => {
      const bus = factory(options);
      open.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((bus) => bus.close()));
    });

    const publishMany = (bus: EventBus, fabricId: string, count: number, from = 0) =>
      Array.from({ length: count }, (_, i) =>
        bus.publish('recordEvents', fabricId, recordEvent(fabricId, `r${from + i}`)),
      );

    it('delivers events of a scope in publish order with consecutive ids', async () => {
      const bus = makeBus();
      const subscription = bus.subscribe('recordEvents', 'fab-a');
      await subscription.ready;
      const published = [];
      for (let i = 0; i < 20; i++) {
        published.push(await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', `r${i}`)));
      }
      const received = await take(subscription, 20);
      expect(received).toEqual(published);
      expect(names(received)).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
      expect(areConsecutive(received.map((e) => e.id))).toBe(true);
    });

    it('keeps ids consecutive and delivery in id order under concurrent publishes', async () => {
      const bus = makeBus();
      const subscription = bus.subscribe('recordEvents', 'fab-a');
      await subscription.ready;
      const published = await Promise.all(publishMany(bus, 'fab-a', 30));
      const ids = published.map((e) => e.id).sort((a, b) => Number(a) - Number(b));
      expect(areConsecutive(ids)).toBe(true);
      expect((await take(subscription, 30)).map((e) => e.id)).toEqual(ids);
    });

    it('isolates scopes and topics: a subscriber sees only its own (topic, scope)', async () => {
      const bus = makeBus();
      const onB = bus.subscribe('recordEvents', 'fab-b');
      const statusOfA = bus.subscribe('fabricStatus', 'fab-a');
      await Promise.all([onB.ready, statusOfA.ready]);
      await Promise.all(publishMany(bus, 'fab-a', 3));
      await bus.publish('recordEvents', 'fab-b', recordEvent('fab-b', 'only-b'));
      await bus.publish('fabricStatus', 'fab-a', { fabricId: 'fab-a', watchStatus: 'ACTIVE', at: 'now' });
      expect(names(await take(onB, 1))).toEqual(['only-b']);
      const [status] = await take(statusOfA, 1);
      expect(status).toMatchObject({
        topic: 'fabricStatus',
        scopeId: 'fab-a',
        payload: { watchStatus: 'ACTIVE' },
      });
      // Each scope has its own sequence.
      const [nextB] = await Promise.all(publishMany(bus, 'fab-b', 1));
      expect(Number(nextB?.id)).toBe(Number((await take(onB, 1))[0]?.id));
    });

    it('delivers plain, frozen JSON data as the payload', async () => {
      const bus = makeBus();
      const subscription = bus.subscribe('operationProgress', 'op-1');
      await subscription.ready;
      const event = {
        fabricId: 'fab-a',
        operationId: 'op-1',
        type: 'GIT_SYNC',
        status: 'RUNNING',
        stage: { name: 'FETCH', status: 'SUCCEEDED', counts: { files: 3 } },
        message: undefined,
        at: '2026-01-01T00:00:00.000Z',
      } as const;
      await bus.publish('operationProgress', 'op-1', event);
      const [received] = await take(subscription, 1);
      expect(received?.payload).toStrictEqual(JSON.parse(JSON.stringify(event)));
      expect(Object.isFrozen(received?.payload.stage)).toBe(true);
    });

    it('resumes after a given id with exactly the missed events, then live ones', async () => {
      const bus = makeBus();
      const first = bus.subscribe('recordEvents', 'fab-a');
      await first.ready;
      await Promise.all(publishMany(bus, 'fab-a', 3));
      const seen = await take(first, 3);
      await first.return();
      await Promise.all(publishMany(bus, 'fab-a', 3, 3));
      const resumed = bus.subscribe('recordEvents', 'fab-a', { after: seen[2]?.id });
      expect(names(await take(resumed, 3))).toEqual(['r3', 'r4', 'r5']);
      await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'live'));
      expect(names(await take(resumed, 1))).toEqual(['live']);
    });

    it('joins history and live events without gap or duplicate while publishing goes on', async () => {
      const bus = makeBus();
      const early = await Promise.all(publishMany(bus, 'fab-a', 10));
      const resumed = bus.subscribe('recordEvents', 'fab-a', { after: early[4]?.id });
      const during = publishMany(bus, 'fab-a', 40, 10); // while the subscription reads the history
      const last = (await Promise.all(during)).at(-1);
      const received = await takeUntil(resumed, last?.id ?? '');
      expect(names(received)).toEqual(Array.from({ length: 45 }, (_, i) => `r${i + 5}`));
      expect(areConsecutive(received.map((e) => e.id))).toBe(true);
      await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'marker'));
      expect(names(await take(resumed, 1))).toEqual(['marker']); // no duplicate of the seam before it
    });

    it('replays every kept event from FROM_OLDEST, and nothing when resuming from the newest id', async () => {
      const bus = makeBus({ historySize: 5 });
      const published = await Promise.all(publishMany(bus, 'fab-a', 8));
      const fromOldest = bus.subscribe('recordEvents', 'fab-a', { after: FROM_OLDEST });
      expect(names(await take(fromOldest, 5))).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
      const fromNewest = bus.subscribe('recordEvents', 'fab-a', { after: published[7]?.id });
      await fromNewest.ready;
      await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'live'));
      expect(names(await take(fromNewest, 1))).toEqual(['live']);
      expect(names(await take(fromOldest, 1))).toEqual(['live']);
    });

    it('fails with EventsExpiredError when the events after `after` are no longer kept', async () => {
      const bus = makeBus({ historySize: 5 });
      const published = await Promise.all(publishMany(bus, 'fab-a', 10));
      const expired = bus.subscribe('recordEvents', 'fab-a', { after: published[3]?.id });
      await expect(within(expired.next(), 'expiry')).rejects.toBeInstanceOf(EventsExpiredError);
      expect(await expired.next()).toEqual({ done: true, value: undefined });
      const justKept = bus.subscribe('recordEvents', 'fab-a', { after: published[4]?.id });
      expect(names(await take(justKept, 5))).toEqual(['r5', 'r6', 'r7', 'r8', 'r9']);
      const fromTheFuture = bus.subscribe('recordEvents', 'fab-a', {
        after: String(Number(published[9]?.id) + 1),
      });
      await expect(within(fromTheFuture.next(), 'expiry')).rejects.toBeInstanceOf(EventsExpiredError);
      const unknownScope = bus.subscribe('recordEvents', 'fab-gone', { after: published[9]?.id });
      await expect(within(unknownScope.next(), 'expiry')).rejects.toBeInstanceOf(EventsExpiredError);
    });

    it('rejects an `after` that is not an event id as bad user input', async () => {
      const bus = makeBus();
      const subscription = bus.subscribe('recordEvents', 'fab-a', { after: 'abc' });
      const failure = await within(subscription.next(), 'failure').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
      expect(bus.subscriptionCount()).toBe(0);
    });

    it('cuts off a consumer that falls more than bufferSize events behind', async () => {
      const bus = makeBus();
      const slow = bus.subscribe('recordEvents', 'fab-a', { bufferSize: 3 });
      const witness = bus.subscribe('recordEvents', 'fab-a');
      await Promise.all([slow.ready, witness.ready]);
      await Promise.all(publishMany(bus, 'fab-a', 5));
      await take(witness, 5); // both were delivered the same events by now
      await expect(slow.next()).rejects.toBeInstanceOf(SlowConsumerError);
      expect(await slow.next()).toEqual({ done: true, value: undefined });
      expect(bus.subscriptionCount()).toBe(1);
    });

    it('admits a full replay on top of bufferSize', async () => {
      const bus = makeBus({ historySize: 10 });
      await Promise.all(publishMany(bus, 'fab-a', 6));
      const resumed = bus.subscribe('recordEvents', 'fab-a', { after: FROM_OLDEST, bufferSize: 2 });
      expect(names(await take(resumed, 6))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    });

    it('frees a subscription on return(), break and abort', async () => {
      const bus = makeBus();
      const returned = bus.subscribe('recordEvents', 'fab-a');
      const broken = bus.subscribe('recordEvents', 'fab-a');
      const controller = new AbortController();
      const aborted = bus.subscribe('recordEvents', 'fab-a', { signal: controller.signal });
      await Promise.all([returned.ready, broken.ready, aborted.ready]);
      expect(bus.subscriptionCount()).toBe(3);
      await returned.return();
      expect(bus.subscriptionCount()).toBe(2);
      await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0'));
      for await (const event of broken) {
        expect(event.payload.name).toBe('r0');
        break;
      }
      expect(bus.subscriptionCount()).toBe(1);
      await take(aborted, 1);
      const pending = aborted.next();
      controller.abort();
      expect(await within(pending, 'abort')).toEqual({ done: true, value: undefined });
      expect(bus.subscriptionCount()).toBe(0);
      expect(await returned.next()).toEqual({ done: true, value: undefined });
    });

    it('ends subscriptions on close and refuses work afterwards', async () => {
      const bus = makeBus();
      const subscription = bus.subscribe('recordEvents', 'fab-a');
      await subscription.ready;
      const pending = subscription.next();
      await bus.close();
      expect(await within(pending, 'end on close')).toEqual({ done: true, value: undefined });
      expect(bus.subscriptionCount()).toBe(0);
      await expect(bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'late'))).rejects.toBeInstanceOf(
        EventBusError,
      );
      await expect(bus.subscribe('recordEvents', 'fab-a').next()).rejects.toBeInstanceOf(EventBusError);
    });
  });
}

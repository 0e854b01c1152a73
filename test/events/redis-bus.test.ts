/**
 * RedisBus against the real Redis at 127.0.0.1:6379: the shared contract, then what only several
 * replicas can show. Each run uses its own key prefix and removes its keys afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RedisBus, createEventBus, type RedisBusOptions } from '../../src/events/index.js';
import { definePublishScript, scopeKeys } from '../../src/events/redis-history.js';
import { busContract } from './bus-contract.js';
import { areConsecutive, names, recordEvent, take, takeUntil, within } from './support.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const KEY_PREFIX = `fabric-sync-test:${randomUUID()}:`;
const SCOPE_TTL_MS = 60_000;

const admin = new Redis(REDIS_URL);
afterAll(async () => {
  const keys = await admin.keys(`${KEY_PREFIX}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

const redisBus = (options: Partial<RedisBusOptions> = {}) =>
  new RedisBus({ url: REDIS_URL, keyPrefix: KEY_PREFIX, scopeTtlMs: SCOPE_TTL_MS, ...options });

let run = 0;
/** Every contract test gets fresh scopes: they share one Redis and one prefix. */
busContract('RedisBus', ({ historySize }) => redisBus({ historySize, keyPrefix: `${KEY_PREFIX}${++run}:` }));

describe('RedisBus across replicas', () => {
  const open: RedisBus[] = [];
  const replica = (options: Partial<RedisBusOptions> = {}) => {
    const bus = redisBus({ keyPrefix: `${KEY_PREFIX}replicas:${++run}:`, ...options });
    open.push(bus);
    return bus;
  };
  const replicasSharingRedis = () => {
    const keyPrefix = `${KEY_PREFIX}replicas:${++run}:`;
    return [replica({ keyPrefix }), replica({ keyPrefix })] as const;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  it('delivers events published on one replica to subscribers on another, in order', async () => {
    const [a, b] = replicasSharingRedis();
    const onB = b.subscribe('recordEvents', 'fab-a');
    await onB.ready;
    for (let i = 0; i < 10; i++) await a.publish('recordEvents', 'fab-a', recordEvent('fab-a', `r${i}`));
    expect(names(await take(onB, 10))).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
  });

  it('keeps per-scope ids strictly increasing without gaps when both replicas publish at once', async () => {
    const [a, b] = replicasSharingRedis();
    const onA = a.subscribe('recordEvents', 'fab-a');
    const onB = b.subscribe('recordEvents', 'fab-a');
    await Promise.all([onA.ready, onB.ready]);
    const publishing = [a, b].flatMap((bus, n) =>
      Array.from({ length: 50 }, (_, i) =>
        bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', `${n}-${i}`)),
      ),
    );
    const ids = (await Promise.all(publishing)).map((e) => e.id).sort((x, y) => Number(x) - Number(y));
    expect(areConsecutive(ids)).toBe(true);
    expect((await take(onA, 100)).map((e) => e.id)).toEqual(ids);
    expect((await take(onB, 100)).map((e) => e.id)).toEqual(ids);
  });

  it('resumes on another replica from an id seen on the first', async () => {
    const [a, b] = replicasSharingRedis();
    const published = await Promise.all(
      Array.from({ length: 6 }, (_, i) => a.publish('recordEvents', 'fab-a', recordEvent('fab-a', `r${i}`))),
    );
    const resumed = b.subscribe('recordEvents', 'fab-a', { after: published[2]?.id });
    expect(names(await take(resumed, 3))).toEqual(['r3', 'r4', 'r5']);
  });

  it('shares one Redis channel per scope among local subscribers and unsubscribes with the last', async () => {
    const keyPrefix = `${KEY_PREFIX}channels:${++run}:`;
    const bus = replica({ keyPrefix });
    const { channel } = scopeKeys(keyPrefix, 'fabricStatus', 'fab-a');
    const numsub = async () => Number((await admin.pubsub('NUMSUB', channel))[1]);
    const first = bus.subscribe('fabricStatus', 'fab-a');
    const second = bus.subscribe('fabricStatus', 'fab-a');
    await Promise.all([first.ready, second.ready]);
    expect(await numsub()).toBe(1);
    await first.return();
    expect(await numsub()).toBe(1);
    await second.return();
    await bus.publish('fabricStatus', 'fab-a', { fabricId: 'fab-a', at: 'now' }); // after the UNSUBSCRIBE reply
    expect(await numsub()).toBe(0);
  });

  it('lets a scope expire: its keys carry the TTL', async () => {
    const keyPrefix = `${KEY_PREFIX}ttl:${++run}:`;
    const bus = replica({ keyPrefix });
    await bus.publish('driftReports', 'fab-a', {
      fabricId: 'fab-a',
      reportId: 'd1',
      score: 0,
      counts: {},
      at: 'now',
    });
    const keys = scopeKeys(keyPrefix, 'driftReports', 'fab-a');
    for (const key of [keys.sequence, keys.history, keys.run]) {
      const ttl = await admin.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(SCOPE_TTL_MS);
    }
  });

  it('fills a gap left by a lost pub/sub message from the history', async () => {
    const keyPrefix = `${KEY_PREFIX}gap:${++run}:`;
    const bus = replica({ keyPrefix });
    const subscription = bus.subscribe('recordEvents', 'fab-a');
    await subscription.ready;
    await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0'));
    await take(subscription, 1);
    // Stored and numbered like any event, but published where nobody listens: a lost message.
    const keys = scopeKeys(keyPrefix, 'recordEvents', 'fab-a');
    const lost = JSON.stringify(recordEvent('fab-a', 'lost'));
    definePublishScript(admin);
    await admin.publishFabricEvent(
      keys.sequence,
      keys.history,
      keys.run,
      lost,
      100,
      SCOPE_TTL_MS,
      `${keys.channel}:nowhere`,
    );
    await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r2'));
    const received = await take(subscription, 2);
    expect(names(received)).toEqual(['lost', 'r2']);
  });

  it('delivers every event after its subscriber connection is killed and reconnects', async () => {
    const keyPrefix = `${KEY_PREFIX}reconnect:${++run}:`;
    const connectionName = `events-test-${randomUUID()}`;
    const [a, b] = [replica({ keyPrefix, connectionName }), replica({ keyPrefix })];
    const subscription = a.subscribe('recordEvents', 'fab-a');
    await subscription.ready;
    await b.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0'));
    await take(subscription, 1);
    const clients = (await admin.client('LIST')) as string;
    const line = clients.split('\n').find((l) => l.includes(` name=${connectionName}-subscriber `));
    const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id ?? '');
    const published = [];
    for (let i = 1; i <= 5; i++)
      published.push(await b.publish('recordEvents', 'fab-a', recordEvent('fab-a', `r${i}`)));
    const received = await within(
      takeUntil(subscription, published[4]?.id ?? ''),
      'events after reconnect',
      15_000,
    );
    expect(names(received)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('is what createEventBus builds with a Redis URL', async () => {
    const bus = createEventBus({ redisUrl: REDIS_URL, keyPrefix: `${KEY_PREFIX}factory:` });
    open.push(bus as RedisBus);
    expect(bus).toBeInstanceOf(RedisBus);
  });
});

/**
 * Two replicas (each a notifier with its own Redis bus and queue) on one PostgreSQL: both see the
 * same transition, exactly one sends it, because only one inserts its (sink, transition) row.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisBus } from '../../src/events/index.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { generateKeyText } from '../../src/security/secret-keys.js';
import { Vault } from '../../src/security/vault.js';
import { Fabric, NotificationDelivery } from '../../src/store/entities/index.js';
import { DeliveryQueue } from '../../src/sync/notifications/delivery-queue.js';
import { Notifier } from '../../src/sync/notifications/notifier.js';
import { SinkService } from '../../src/sync/notifications/sinks.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startReceiver, type Receiver } from './receiver.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const log = pino({ level: 'silent' });
const keyPrefix = `fabric-sync:test-notify-${randomUUID()}:`;

let db: TestDatabase;
let receiver: Receiver;
const replicas: { bus: RedisBus; queue: DeliveryQueue; notifier: Notifier }[] = [];

beforeAll(async () => {
  [db, receiver] = await Promise.all([createTestDatabase(), startReceiver()]);
  const redactor = new Redactor();
  const vault = new Vault(SecretBox.fromKeyList(generateKeyText()), redactor);
  for (let i = 0; i < 2; i++) {
    const bus = new RedisBus({ url: REDIS_URL, keyPrefix });
    const queue = new DeliveryQueue({ orm: db.orm, log, redactor, retryDelaysMs: [] });
    replicas.push({ bus, queue, notifier: new Notifier({ orm: db.orm, events: bus, vault, queue, log }) });
  }
});
afterAll(async () => {
  for (const { notifier, queue, bus } of replicas) {
    await notifier.stop();
    await queue.stop();
    await bus.close();
  }
  await receiver?.close();
  await db?.close();
});

it('sends a transition seen by two replicas once', async () => {
  const em = db.orm.em.fork();
  const fabric = Object.assign(new Fabric(), { id: randomUUID(), name: 'notify-replicas' });
  await em.persistAndFlush(fabric);
  const sinks = new SinkService({
    orm: db.orm,
    vault: new Vault(SecretBox.fromKeyList(generateKeyText()), new Redactor()),
    follow: async () => {},
  });
  await sinks.create(fabric.id, { url: receiver.url, events: ['WATCH_ERROR'] });
  await Promise.all(replicas.map(({ notifier }) => notifier.scan()));

  const at = new Date().toISOString();
  await replicas[0]!.bus.publish('fabricStatus', fabric.id, {
    fabricId: fabric.id,
    watchStatus: 'ERROR',
    at,
  });
  await receiver.nth(1);
  for (const { notifier, queue } of replicas) {
    await notifier.settled();
    await queue.idle();
  }
  expect(receiver.received).toHaveLength(1);
  expect(await db.orm.em.fork().count(NotificationDelivery, {})).toBe(1);
});

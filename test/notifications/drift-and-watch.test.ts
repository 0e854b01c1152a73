/**
 * Drift and watch transitions, from the events drift checks and the watch publish: a drift check
 * notifies when the sync status flips (IN_SYNC → OUT_OF_SYNC and back), not on every drifted check;
 * the watch entering ERROR notifies.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InProcessBus } from '../../src/events/index.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { generateKeyText } from '../../src/security/secret-keys.js';
import { Vault } from '../../src/security/vault.js';
import { Fabric } from '../../src/store/entities/index.js';
import { DeliveryQueue } from '../../src/sync/notifications/delivery-queue.js';
import { Notifier } from '../../src/sync/notifications/notifier.js';
import { SinkService } from '../../src/sync/notifications/sinks.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startReceiver, type Receiver } from './receiver.js';

const log = pino({ level: 'silent' });
let db: TestDatabase;
let receiver: Receiver;
let bus: InProcessBus;
let queue: DeliveryQueue;
let notifier: Notifier;

beforeAll(async () => {
  [db, receiver] = await Promise.all([createTestDatabase(), startReceiver()]);
  const redactor = new Redactor();
  const vault = new Vault(SecretBox.fromKeyList(generateKeyText()), redactor);
  bus = new InProcessBus();
  queue = new DeliveryQueue({ orm: db.orm, log, redactor, retryDelaysMs: [] });
  notifier = new Notifier({ orm: db.orm, events: bus, vault, queue, log });
});
afterAll(async () => {
  await notifier?.stop();
  await queue?.stop();
  await bus?.close();
  await receiver?.close();
  await db?.close();
});

it('notifies drift when the sync status flips and the watch when it fails, nothing in between', async () => {
  const fabric = Object.assign(new Fabric(), { id: randomUUID(), name: 'notify-drift' });
  await db.orm.em.fork().persistAndFlush(fabric);
  const sinks = new SinkService({
    orm: db.orm,
    vault: new Vault(SecretBox.fromKeyList(generateKeyText()), new Redactor()),
    follow: (id) => notifier.follow(id),
  });
  await sinks.create(fabric.id, {
    url: receiver.url,
    events: ['DRIFT_DETECTED', 'DRIFT_CLEARED', 'WATCH_ERROR'],
  });
  const knex = db.orm.em.getConnection().getKnex();
  let second = 0;
  const report = async (modified: number) => {
    const reportId = randomUUID();
    const counts = { modified, missing: 0, orphaned: 0 };
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, second++));
    await knex('drift_report').insert({
      id: reportId,
      fabric_id: fabric.id,
      score: modified,
      counts,
      created_at: at,
    });
    await bus.publish('driftReports', fabric.id, {
      fabricId: fabric.id,
      reportId,
      score: modified,
      counts,
      at: at.toISOString(),
    });
  };
  await report(0); // the baseline
  await report(2);
  await report(3); // still drifted: no news
  await report(0);
  await bus.publish('fabricStatus', fabric.id, {
    fabricId: fabric.id,
    watchStatus: 'RECONNECTING',
    at: new Date().toISOString(),
  });
  await bus.publish('fabricStatus', fabric.id, {
    fabricId: fabric.id,
    watchStatus: 'ERROR',
    at: new Date().toISOString(),
  });
  await receiver.nth(3);
  await notifier.settled();
  await queue.idle();
  // Drift and watch events arrive on topics of their own, so their relative order is free.
  expect(receiver.received.map((r) => r.headers['x-fabricsync-event']).sort()).toEqual([
    'DRIFT_CLEARED',
    'DRIFT_DETECTED',
    'WATCH_ERROR',
  ]);
});

/**
 * OperationService.shutdown, what SIGTERM runs: an operation that reaches a safe point ends
 * CANCELLED with the shutdown's reason; one that cannot stop within the grace (a stage that does not
 * look at its signal, as PERSIST's transaction does not) is stored FAILED before the process goes,
 * not left RUNNING; an operation started after shutdown began is cancelled at once.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InProcessBus } from '../../src/events/index.js';
import { Redactor } from '../../src/security/redactor.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Fabric, Operation } from '../../src/store/entities/index.js';
import { OperationService } from '../../src/sync/operation-service.js';
import { stagedPipeline } from '../../src/sync/runner.js';
import { throwIfCancelled } from '../../src/sync/stage.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const REASON = 'the server is shutting down (SIGTERM)';

let db: TestDatabase;
let events: InProcessBus;
beforeAll(async () => {
  db = await createTestDatabase();
  events = new InProcessBus();
}, 60_000);
afterAll(async () => {
  await events?.close();
  await db?.close();
});

/** A service whose DRIFT_CHECK runs `run` as its one stage. */
const serviceRunning = (run: (signal: AbortSignal) => Promise<void>) =>
  new OperationService({
    orm: db.orm,
    events,
    locks: new AdvisoryLocks(db.orm),
    log: pino({ level: 'silent' }),
    redactor: new Redactor(),
    pipelines: {
      DRIFT_CHECK: stagedPipeline(
        [{ name: 'LIST', run: async (_ctx, signal) => (await run(signal), {}) }],
        () => ({}),
      ),
    },
  });

async function newFabric(): Promise<string> {
  const em = db.orm.em.fork();
  const id = randomUUID();
  em.persist(Object.assign(new Fabric(), { id, name: `f-${id.slice(0, 8)}` }));
  await em.flush();
  return id;
}

const stored = (id: string) => db.orm.em.fork().findOneOrFail(Operation, id);

/** Resolves once the signal aborts, then throws as a stage at a safe point does. */
const untilCancelled = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })).then(() =>
    throwIfCancelled(signal),
  );

it('cancels a running operation with the reason, and one started after shutdown began at once', async () => {
  const operations = serviceRunning(untilCancelled);
  const running = await operations.start({ fabricId: await newFabric(), type: 'DRIFT_CHECK' });
  expect(await operations.shutdown(REASON, 20_000)).toBe(0);
  expect(await stored(running.id)).toMatchObject({ status: 'CANCELLED', message: REASON });

  const late = await operations.start({ fabricId: await newFabric(), type: 'DRIFT_CHECK' });
  await operations.drain();
  expect(await stored(late.id)).toMatchObject({ status: 'CANCELLED', message: REASON });
}, 30_000);

it('stores FAILED for an operation that does not stop within the grace, instead of leaving it RUNNING', async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const operations = serviceRunning(() => held); // never looks at its signal
  const stuck = await operations.start({ fabricId: await newFabric(), type: 'DRIFT_CHECK' });
  try {
    expect(await operations.shutdown(REASON, 200)).toBe(1);
    const failed = await stored(stuck.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.message).toMatch(/^the server shut down before this operation stopped \(waited 0\.2 s\)/);
  } finally {
    release(); // its own late outcome is fenced off: the stored FAILED stays
  }
  await operations.drain();
  expect((await stored(stuck.id)).status).toBe('FAILED');
}, 30_000);

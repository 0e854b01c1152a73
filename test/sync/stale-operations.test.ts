/**
 * failStale: an operation left RUNNING by a process that is gone is failed, at once when no session
 * holds its fabric's lock or when its heartbeat stopped; one whose process holds the lock is left alone.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../src/events/index.js';
import { Redactor } from '../../src/security/redactor.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Fabric, Operation } from '../../src/store/entities/index.js';
import { takeOperationEpoch } from '../../src/sync/operation-fence.js';
import { operationLockKey } from '../../src/sync/operation-lock.js';
import { OperationService } from '../../src/sync/operation-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('failing stale operations', () => {
  let db: TestDatabase;
  let events: InProcessBus;
  let operations: OperationService;
  const STALE_AFTER_MS = 60_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    events = new InProcessBus();
    operations = new OperationService({
      orm: db.orm,
      events,
      locks: new AdvisoryLocks(db.orm),
      log: pino({ level: 'silent' }),
      redactor: new Redactor(),
      pipelines: {},
      staleAfterMs: STALE_AFTER_MS,
    });
  }, 60_000);
  afterAll(async () => {
    await events?.close();
    await db?.close();
  });

  /** A fabric with one RUNNING operation whose last heartbeat was `ageMs` ago. */
  async function runningOperation(ageMs: number): Promise<{ fabricId: string; operationId: string }> {
    const em = db.orm.em.fork();
    const fabricId = randomUUID();
    const operationId = randomUUID();
    const heartbeatAt = new Date(Date.now() - ageMs);
    em.persist(Object.assign(new Fabric(), { id: fabricId, name: `f-${fabricId.slice(0, 8)}` }));
    em.persist(
      Object.assign(new Operation(), {
        id: operationId,
        fabric: em.getReference(Fabric, fabricId, { wrapped: true }),
        type: 'DRIFT_CHECK' as const,
        status: 'RUNNING' as const,
        stages: [
          { name: 'LIST', status: 'RUNNING', startedAt: null, finishedAt: null, counts: {}, message: null },
        ],
        startedAt: heartbeatAt,
        heartbeatAt,
      }),
    );
    await em.flush();
    return { fabricId, operationId };
  }

  const statusOf = async (operationId: string) =>
    (await db.orm.em.fork().findOneOrFail(Operation, operationId)).status;

  it('fails an operation whose heartbeat stopped, and one whose fabric lock no session holds', async () => {
    const silent = await runningOperation(2 * STALE_AFTER_MS);
    const unlocked = await runningOperation(0);
    expect(await operations.failStale()).toBeGreaterThanOrEqual(2);
    expect(await statusOf(silent.operationId)).toBe('FAILED');
    expect(await statusOf(unlocked.operationId)).toBe('FAILED');
    const op = await db.orm.em.fork().findOneOrFail(Operation, unlocked.operationId);
    expect(op.message).toMatch(/the process running this operation stopped/);
    // The stage its process was running ends with the operation, not RUNNING forever.
    expect(op.stages.map((s) => [s.status, s.finishedAt !== null])).toEqual([['FAILED', true]]);
  });

  it('with a fabric id (its lock held by the caller), fails that fabric’s running operations only', async () => {
    const mine = await runningOperation(0);
    const other = await runningOperation(0);
    const holder = { fabricId: mine.fabricId, epoch: await takeOperationEpoch(db.orm, mine.fabricId) };
    expect(await operations.failStale(holder)).toBe(1);
    expect(await statusOf(mine.operationId)).toBe('FAILED');
    expect(await statusOf(other.operationId)).toBe('RUNNING');
  });

  it('leaves an operation alone while another session holds its fabric’s lock and its heartbeat is recent', async () => {
    const alive = await runningOperation(0);
    const lease = await new AdvisoryLocks(db.orm).tryAcquire(operationLockKey(alive.fabricId));
    expect(lease).not.toBeNull();
    try {
      await operations.failStale();
      expect(await statusOf(alive.operationId)).toBe('RUNNING');
    } finally {
      await lease?.release();
    }
    await operations.failStale();
    expect(await statusOf(alive.operationId)).toBe('FAILED');
  });
});

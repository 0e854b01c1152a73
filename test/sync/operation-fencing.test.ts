/**
 * What the database itself guarantees about an operation's row: its status moves only as the state
 * machine allows (FAILED → SUCCEEDED is refused whoever writes it), and a write under an older take
 * of the fabric's lock, or expecting a status the row has left, matches nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../src/domain/errors.js';
import { OPERATION_STATUS, transitionOperation, type OperationStatus } from '../../src/domain/states.js';
import { InProcessBus } from '../../src/events/index.js';
import { Fabric, Operation } from '../../src/store/entities/index.js';
import { OperationFenced, takeOperationEpoch } from '../../src/sync/operation-fence.js';
import { OperationHandle } from '../../src/sync/operation-handle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('operation rows in the database', () => {
  let db: TestDatabase;
  let events: InProcessBus;
  let fabricId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    events = new InProcessBus();
    fabricId = randomUUID();
    await db.orm.em
      .fork()
      .persist(Object.assign(new Fabric(), { id: fabricId, name: 'fenced' }))
      .flush();
  }, 60_000);
  afterAll(async () => {
    await events?.close();
    await db?.close();
  });

  async function operationIn(status: OperationStatus): Promise<Operation> {
    const em = db.orm.em.fork();
    const op = Object.assign(new Operation(), {
      id: randomUUID(),
      fabric: em.getReference(Fabric, fabricId, { wrapped: true }),
      type: 'APPLY' as const,
      status,
      stages: [
        { name: 'APPLY', status: 'RUNNING', startedAt: null, finishedAt: null, counts: {}, message: null },
      ],
    });
    await em.persist(op).flush();
    return op;
  }

  const setStatus = (id: string, status: OperationStatus) =>
    db.orm.em.getConnection().execute('update "operation" set "status" = ? where "id" = ?', [status, id]);
  const statusOf = async (id: string) => (await db.orm.em.fork().findOneOrFail(Operation, id)).status;

  it('refuses FAILED → SUCCEEDED from any writer, with a check violation', async () => {
    const op = await operationIn('FAILED');
    await expect(setStatus(op.id, 'SUCCEEDED')).rejects.toMatchObject({
      code: '23514',
      message: expect.stringMatching(/status FAILED may not become SUCCEEDED/),
    });
    expect(await statusOf(op.id)).toBe('FAILED');
  });

  it('allows exactly the status changes of the state machine (src/domain/states.ts)', async () => {
    const allowedByDatabase: string[] = [];
    const allowedByTable: string[] = [];
    for (const from of OPERATION_STATUS)
      for (const to of OPERATION_STATUS.filter((s) => s !== from)) {
        const op = await operationIn(from);
        const accepted = await setStatus(op.id, to).then(
          () => true,
          () => false,
        );
        if (accepted) allowedByDatabase.push(`${from}→${to}`);
        try {
          transitionOperation(from, to);
          allowedByTable.push(`${from}→${to}`);
        } catch (err) {
          if (!(err instanceof IllegalTransitionError)) throw err;
        }
      }
    expect(allowedByDatabase).toEqual(allowedByTable);
    expect(allowedByTable).toContain('RUNNING→SUCCEEDED');
  });

  it('fences a holder whose take of the fabric lock is no longer the newest', async () => {
    const op = await operationIn('RUNNING');
    const first = new OperationHandle(op, db.orm, events, await takeOperationEpoch(db.orm, fabricId));
    await first.heartbeat();
    const second = await takeOperationEpoch(db.orm, fabricId);
    await expect(first.heartbeat()).rejects.toBeInstanceOf(OperationFenced);
    await expect(first.finish('SUCCEEDED', null)).rejects.toBeInstanceOf(OperationFenced);
    expect(await statusOf(op.id)).toBe('RUNNING');

    const taker = new OperationHandle(
      await db.orm.em.fork().findOneOrFail(Operation, op.id),
      db.orm,
      events,
      second,
    );
    await taker.finish('FAILED', 'lost the fabric lock');
    expect(await statusOf(op.id)).toBe('FAILED');
  });

  it('fences a writer that expects a status the row has left (the sweep failed it meanwhile)', async () => {
    const op = await operationIn('RUNNING');
    const owner = new OperationHandle(op, db.orm, events, await takeOperationEpoch(db.orm, fabricId));
    const sweep = new OperationHandle(
      await db.orm.em.fork().findOneOrFail(Operation, op.id),
      db.orm,
      events,
      null,
    );
    await sweep.finish('FAILED', 'the process running this operation stopped');
    await expect(owner.finishStage('APPLY', 'SUCCEEDED')).rejects.toBeInstanceOf(OperationFenced);
    expect(await statusOf(op.id)).toBe('FAILED');
  });
});

/** Waiting for an operation to end, from its progress events, whoever runs it. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { isTerminal } from '../domain/states.js';
import type { EventBus } from '../events/event-bus.js';
import { FROM_OLDEST } from '../events/index.js';
import { Operation } from '../store/entities/index.js';

export interface OperationEndDeps {
  readonly orm: MikroORM;
  readonly events: EventBus;
}

/** The operation as stored once it has ended, or as it stands when `signal` aborts first. */
export async function operationEnd(
  { orm, events }: OperationEndDeps,
  op: Operation,
  signal?: AbortSignal,
): Promise<Operation> {
  if (isTerminal(op.status)) return op;
  const progress = events.subscribe('operationProgress', op.id, { after: FROM_OLDEST, signal });
  try {
    await progress.ready;
    // The operation may have ended before the subscription; its row says so.
    const current = await load(orm, op.id);
    if (isTerminal(current.status)) return current;
    for await (const { payload } of progress) if (isTerminal(payload.status)) break;
  } finally {
    await progress.return();
  }
  return load(orm, op.id);
}

async function load(orm: MikroORM, id: string): Promise<Operation> {
  return orm.em.fork().findOneOrFail(Operation, id);
}

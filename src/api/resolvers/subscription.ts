/**
 * Subscriptions: authorized when they start and again for every event (a revoked or expired token
 * closes the connection), filtered by topic and scope on the bus before any GraphQL work, resumable
 * with `after`.
 */
import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { notFound } from '../../domain/errors.js';
import { isTerminal } from '../../domain/states.js';
import {
  EventsExpiredError,
  FROM_OLDEST,
  SlowConsumerError,
  type Envelope,
  type TopicName,
} from '../../events/index.js';
import { DriftReport, Fabric, Operation } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type {
  GKind,
  GOperationEventResolvers,
  GRecordEventResolvers,
  GSubscriptionResolvers,
} from '../generated/graphql.js';
import { fromGlobalId } from '../ids.js';

/** WebSocket 1013 "Try Again Later": the client may reconnect and resume with `after`. */
export const SLOW_CONSUMER_CLOSE_CODE = 1013;

const DONE = { done: true, value: undefined } as const;

/**
 * Bus envelopes the caller may still read, as an async iterator GraphQL can consume. Iterator
 * objects rather than async generators, here and in mapEvents: a generator waiting for the next event
 * would hold an unsubscribe (`return()`) until that event came, keeping the bus subscription open.
 */
function authorizedEvents<T extends TopicName>(
  ctx: ApiContext,
  topic: T,
  scopeId: string,
  after: string | undefined,
): AsyncIterableIterator<Envelope<T>> {
  const subscription = ctx.services.events.subscribe(topic, scopeId, after === undefined ? {} : { after });
  const end = async () => {
    await subscription.return();
    return DONE;
  };
  const iterator: AsyncIterableIterator<Envelope<T>> = {
    next: async () => {
      try {
        const item = await subscription.next();
        if (item.done) return item;
        if (ctx.tokenStillValid && !(await ctx.tokenStillValid())) {
          ctx.closeConnection?.(CloseCode.Forbidden, 'the token was revoked or has expired');
          return await end();
        }
        return ctx.auth.can('read', item.value.payload.fabricId) ? item : await end();
      } catch (err) {
        await end();
        // Buffering without bound would let one slow client exhaust memory: drop it with a reason it can act on.
        if (err instanceof SlowConsumerError)
          ctx.closeConnection?.(SLOW_CONSUMER_CLOSE_CODE, 'slow consumer: resubscribe with after');
        if (err instanceof SlowConsumerError || err instanceof EventsExpiredError)
          throw new GraphQLError(err.message, {
            extensions: { code: err instanceof SlowConsumerError ? 'SLOW_CONSUMER' : 'EVENTS_EXPIRED' },
          });
        throw err;
      }
    },
    return: end,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Maps each item, skipping those mapped to null; ends after an item `last` accepts. */
function mapEvents<T, U>(
  source: AsyncIterableIterator<T>,
  map: (item: T) => Promise<U | null>,
  last: (item: T) => boolean = () => false,
): AsyncIterableIterator<U> {
  let ended = false;
  const end = async () => {
    ended = true;
    await source.return?.();
    return DONE;
  };
  const iterator: AsyncIterableIterator<U> = {
    next: async () => {
      while (!ended) {
        const item = await source.next();
        if (item.done) return DONE;
        let mapped: U | null;
        try {
          mapped = await map(item.value);
        } catch (err) {
          // graphql-ws forgets a subscription whose next() failed without calling return(): end it here.
          await end();
          throw err;
        }
        if (last(item.value)) await end();
        if (mapped !== null) return { done: false, value: mapped };
      }
      return DONE;
    },
    return: end,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * One root value (and entity load) per event on this replica, whatever the number of its local
 * subscribers: they all receive the same frozen envelope, which keys it. The shared root value is
 * what lets shared-execution.ts execute an event once for all subscribers owed the same result.
 */
const once = <V>(ctx: ApiContext, event: object, make: () => Promise<V>): Promise<V> =>
  ctx.sharedEvents ? ctx.sharedEvents.once(event, make) : make();

/**
 * The fabric a subscription follows: one that does not exist, or that the caller may not read, is
 * NOT_FOUND alike (as an operation is), rather than a subscription that never hears anything.
 */
async function readableFabricId(ctx: ApiContext, globalId: string): Promise<string> {
  const id = fromGlobalId(globalId, 'Fabric', 'fabricId');
  if (!ctx.auth.can('read', id) || !(await ctx.em.count(Fabric, id))) throw notFound('fabric', globalId);
  return id;
}

export const Subscription: GSubscriptionResolvers<ApiContext> = {
  operationProgress: {
    subscribe: async (_p, { operationId, after }, ctx) => {
      const id = fromGlobalId(operationId, 'Operation', 'operationId');
      const op = await ctx.em.findOne(Operation, id);
      if (!op || !ctx.auth.can('read', op.fabric.id)) throw notFound('operation', operationId);
      // Without `after`, replay what is kept so a late subscriber still sees every stage.
      return mapEvents(
        authorizedEvents(ctx, 'operationProgress', id, after ?? FROM_OLDEST),
        (envelope) =>
          once(ctx, envelope, async () => ({
            operationProgress: { eventId: envelope.id, event: envelope.payload },
          })),
        (envelope) => isTerminal(envelope.payload.status),
      );
    },
  },
  fabricStatus: {
    subscribe: async (_p, { fabricId }, ctx) => {
      const id = await readableFabricId(ctx, fabricId);
      return mapEvents(authorizedEvents(ctx, 'fabricStatus', id, undefined), async (envelope) => {
        return once(ctx, envelope, async () => {
          const fabric = await ctx.em.fork().findOne(Fabric, id);
          return fabric ? { fabricStatus: fabric } : null;
        });
      });
    },
  },
  recordEvents: {
    subscribe: async (_p, { fabricId, kinds, after }, ctx) => {
      const id = await readableFabricId(ctx, fabricId);
      const wanted = kinds?.length ? new Set<string>(kinds) : null;
      return mapEvents(authorizedEvents(ctx, 'recordEvents', id, after ?? undefined), async (envelope) =>
        !wanted || wanted.has(envelope.payload.kind)
          ? once(ctx, envelope, async () => ({
              recordEvents: { eventId: envelope.id, event: envelope.payload },
            }))
          : null,
      );
    },
  },
  driftReports: {
    subscribe: async (_p, { fabricId }, ctx) => {
      const id = await readableFabricId(ctx, fabricId);
      return mapEvents(authorizedEvents(ctx, 'driftReports', id, undefined), async (envelope) => {
        return once(ctx, envelope, async () => {
          const report = await ctx.em.fork().findOne(DriftReport, envelope.payload.reportId);
          return report ? { driftReports: report } : null;
        });
      });
    },
  },
};

export const OperationEvent: GOperationEventResolvers<ApiContext> = {
  eventId: (view) => view.eventId,
  operation: (view, _a, ctx) =>
    once(ctx, view.event, () => ctx.em.fork().findOneOrFail(Operation, view.event.operationId)),
  status: (view) => view.event.status,
  stage: ({ event: { stage } }) =>
    stage
      ? {
          name: stage.name,
          status: stage.status,
          counts: stage.counts ?? {},
          startedAt: stage.startedAt ?? null,
          finishedAt: stage.finishedAt ?? null,
          message: null,
        }
      : null,
  message: (view) => view.event.message ?? null,
};

export const RecordEvent: GRecordEventResolvers<ApiContext> = {
  eventId: (view) => view.eventId,
  type: (view) => view.event.type,
  kind: (view) => view.event.kind as GKind, // kind names are the Kind enum's values (vocabulary.test.ts)
  namespace: (view) => view.event.namespace,
  name: (view) => view.event.name,
  state: (view) => view.event.state ?? null,
  resourceVersion: (view) => view.event.resourceVersion ?? null,
  at: (view) => view.event.at,
  record: (view, _a, ctx) =>
    view.event.recordId && view.event.type !== 'DELETED'
      ? ctx.loaders.record.load(view.event.recordId)
      : null,
};

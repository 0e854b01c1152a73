/** Notification sinks: VIEWER on the fabric reads them, EDITOR manages them; the secret never leaves. */
import type { ApiContext } from '../context.js';
import type {
  GMutationResolvers,
  GNotificationDeliveryResolvers,
  GNotificationSinkResolvers,
} from '../generated/graphql.js';
import { fromGlobalId, toGlobalId } from '../ids.js';
import {
  beyondCondition,
  pageWindow,
  rangeConditions,
  toPage,
  type Page,
  type PageArgs,
} from '../pagination.js';
import { notFound } from '../../domain/errors.js';
import { NotificationDelivery, NotificationSink as SinkEntity } from '../../store/entities/index.js';
import { authorizedFabricId } from './guards.js';

/** The sink behind a global id, after checking the caller may `action` its fabric. */
async function authorizedSink(ctx: ApiContext, globalId: string, action: 'read' | 'edit'): Promise<string> {
  const id = fromGlobalId(globalId, 'NotificationSink', 'id');
  const sink = await ctx.em.findOne(SinkEntity, id, { fields: ['fabric'] });
  if (!sink || !ctx.auth.can('read', sink.fabric.id)) throw notFound('notification sink', globalId);
  ctx.auth.require(action, sink.fabric.id);
  return id;
}

/** Newest first, by (createdAt, id); a sink has few deliveries a page, so one query per sink. */
async function deliveryPage(
  ctx: ApiContext,
  sinkId: string,
  args: PageArgs,
): Promise<Page<NotificationDelivery>> {
  const window = pageWindow(args, 2);
  const knex = ctx.em.getConnection().getKnex();
  const compare = (
    q: ReturnType<typeof knex>,
    { operator, key }: { operator: string; key: readonly (string | number)[] },
  ) => q.whereRaw(`(created_at, id) ${operator} (?::timestamptz, ?::uuid)`, [...key]);
  const rows = knex('notification_delivery')
    .where('sink_id', sinkId)
    .orderBy([
      { column: 'created_at', order: window.backward ? 'asc' : 'desc' },
      { column: 'id', order: window.backward ? 'asc' : 'desc' },
    ])
    .limit(window.limit + 1);
  for (const condition of rangeConditions(window, true)) compare(rows, condition);
  const deliveries = ((await rows) as Record<string, unknown>[]).map((row) =>
    ctx.em.map(NotificationDelivery, row),
  );
  const beyond = beyondCondition(window, true);
  return toPage(deliveries, window, (d) => [d.createdAt.toISOString(), d.id], {
    count: async () =>
      Number((await knex('notification_delivery').where('sink_id', sinkId).count('* as n'))[0]?.['n'] ?? 0),
    beyond: async () =>
      beyond
        ? (await compare(knex('notification_delivery').where('sink_id', sinkId).first('id'), beyond)) !==
          undefined
        : false,
  });
}

export const NotificationSink: GNotificationSinkResolvers<ApiContext> = {
  id: (s) => toGlobalId('NotificationSink', s.id),
  hasSecret: async (s, _a, ctx) => {
    const [row] = await ctx.em
      .getConnection()
      .execute<{ has: boolean }[]>(
        'select secret_ciphertext is not null as has from notification_sink where id = ?',
        [s.id],
      );
    return row?.has ?? false;
  },
  deliveries: (s, args, ctx) => deliveryPage(ctx, s.id, args),
};

export const NotificationDelivery_: GNotificationDeliveryResolvers<ApiContext> = {
  // Not a Node: its database id, unique anyway.
  id: (d) => d.id,
  statusCode: (d) => d.statusCode,
};

export const notificationSinksOfFabric = (fabricId: string, ctx: ApiContext) =>
  ctx.em.find(SinkEntity, { fabric: fabricId }, { orderBy: { createdAt: 'asc', id: 'asc' } });

export const notificationMutations: Pick<
  GMutationResolvers<ApiContext>,
  'createNotificationSink' | 'updateNotificationSink' | 'deleteNotificationSink'
> = {
  createNotificationSink: (_p, { fabricId, input }, ctx) =>
    ctx.services.notifications.create(authorizedFabricId(ctx, fabricId, 'edit'), input),
  updateNotificationSink: async (_p, { id, input }, ctx) =>
    ctx.services.notifications.update(await authorizedSink(ctx, id, 'edit'), input),
  deleteNotificationSink: async (_p, { id }, ctx) => {
    await ctx.services.notifications.delete(await authorizedSink(ctx, id, 'edit'));
    return id;
  },
};

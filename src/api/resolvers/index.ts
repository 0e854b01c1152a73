import type { GResolvers } from '../generated/graphql.js';
import type { ApiContext } from '../context.js';
import { ApiToken, Grant, Viewer } from './access.js';
import { ClusterSettings, Fabric, FabricConnectionTest, GitRepository } from './fabric.js';
import { Mutation } from './mutation.js';
import { Difference, DriftReport, Operation, Stage } from './operation.js';
import { Query } from './query.js';
import { TopologyNode } from './topology.js';
import { parseGlobalId } from '../ids.js';
import { kindTypes, LiveState, Record, RecordSource } from './record.js';
import { edgeResolvers, partResolvers } from './graph.js';
import { DateTime, JSON } from './scalars.js';
import { OperationEvent, RecordEvent, Subscription } from './subscription.js';
import { WriteResult } from './write-back.js';
import {
  NotificationDelivery_,
  notificationMutations,
  NotificationSink,
  notificationSinksOfFabric,
} from './notifications.js';
import {
  ApiToken as ApiTokenEntity,
  DriftReport as DriftReportEntity,
  Fabric as FabricEntity,
  GitRepository as RepositoryEntity,
  NotificationSink as NotificationSinkEntity,
  Operation as OperationEntity,
  ResourceRecord,
} from '../../store/entities/index.js';

/** Each kind type's own fields plus its reference edges (both directions). */
function withEdges(types: Record<string, object>): Record<string, object> {
  const edges = edgeResolvers();
  return Object.fromEntries(
    Object.entries(types).map(([kind, fields]) => [kind, { ...fields, ...edges[kind] }]),
  );
}

type Resolve = (parent: unknown, args: unknown, ctx: ApiContext, info: unknown) => unknown;

/**
 * Every mutation, once it has finished or failed, tells `ctx.mutated`: its writes are committed, so
 * this replica's cached answers (response-cache.ts) must go before its result reaches the client,
 * whichever transport carries it.
 */
function announcingWrites(mutations: object): object {
  return Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => [
      name,
      async (parent: unknown, args: unknown, ctx: ApiContext, info: unknown) => {
        try {
          return await (resolve as Resolve)(parent, args, ctx, info);
        } finally {
          ctx.mutated?.();
        }
      },
    ]),
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Which GraphQL type a Node is, from the class it was loaded as. */
function nodeType(value: unknown): string | undefined {
  if (value instanceof FabricEntity) return 'Fabric';
  if (value instanceof RepositoryEntity) return 'GitRepository';
  if (value instanceof ResourceRecord) return value.kind;
  if (value instanceof OperationEntity) return 'Operation';
  if (value instanceof DriftReportEntity) return 'DriftReport';
  if (value instanceof ApiTokenEntity) return 'ApiToken';
  if (value instanceof NotificationSinkEntity) return 'NotificationSink';
  // The one Node that is a view, not an entity, carries its global id already.
  if (
    isObject(value) &&
    typeof value['id'] === 'string' &&
    parseGlobalId(value['id'])?.type === 'TopologyNode'
  )
    return 'TopologyNode';
  return undefined;
}

export const resolvers = {
  DateTime,
  JSON,
  Node: { __resolveType: nodeType },
  Query,
  Mutation: announcingWrites({ ...Mutation, ...notificationMutations }),
  Subscription,
  Fabric: {
    ...Fabric,
    notificationSinks: (f: { id: string }, _a: unknown, ctx: ApiContext) =>
      notificationSinksOfFabric(f.id, ctx),
  },
  ClusterSettings,
  FabricConnectionTest,
  GitRepository,
  Record,
  RecordSource,
  LiveState,
  ...withEdges(kindTypes),
  ...partResolvers,
  Operation,
  Stage,
  DriftReport,
  Difference,
  ApiToken,
  Grant,
  Viewer,
  OperationEvent,
  RecordEvent,
  WriteResult,
  TopologyNode,
  NotificationSink,
  NotificationDelivery: NotificationDelivery_,
} as GResolvers<ApiContext>;

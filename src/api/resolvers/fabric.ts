import { renderDiagram } from '../../domain/diagram/index.js';
import { KIND_NAMES, KINDS } from '../../domain/kinds.js';
import { buildTopology } from '../../domain/topology.js';
import type { ApiContext } from '../context.js';
import type {
  GClusterSettingsResolvers,
  GFabricConnectionTestResolvers,
  GKind,
  GFabricResolvers,
  GGitRepositoryResolvers,
} from '../generated/graphql.js';
import { toGlobalId } from '../ids.js';

export const Fabric: GFabricResolvers<ApiContext> = {
  id: (f) => toGlobalId('Fabric', f.id),
  cluster: (f) => (f.clusterServer ? f : null),
  repository: (f, _a, ctx) => (f.repository ? ctx.loaders.repository.load(f.repository.id) : null),
  recordCounts: (f) => KIND_NAMES.map((kind) => ({ kind, count: f.kindCounts[kind] ?? 0 })),
  records: (f, args, ctx) => ctx.loaders.recordPages.load(f, args),
  lastOperation: (f, _a, ctx) => ctx.loaders.lastOperation.load(f.id),
  operations: (f, args, ctx) => ctx.loaders.operationPages.load(f, args),
  drift: (f, _a, ctx) => ctx.loaders.latestDrift.load(f.id),
  danglingReferences: (f, _a, ctx) => ctx.loaders.danglingReferences.load(f.id) as never,
  // The topology query's read (one statement for every fabric of the request), drawn in the format.
  diagram: async (f, { format }, ctx) =>
    renderDiagram(format, f.name, buildTopology(await ctx.loaders.graph.topologyRecords.load(f.id))),
};

export const ClusterSettings: GClusterSettingsResolvers<ApiContext> = {
  server: (f) => f.clusterServer ?? '',
  namespace: (f) => f.clusterNamespace,
  insecureSkipTlsVerify: (f) => f.clusterInsecureSkipTlsVerify,
  caCert: (f) => f.clusterCa,
  // The ciphertext column is lazy; asking whether it is set costs no decryption.
  hasToken: (f, _a, ctx) => ctx.loaders.fabricTokenPresence.load(f.id),
};

export const GitRepository: GGitRepositoryResolvers<ApiContext> = {
  id: (r) => toGlobalId('GitRepository', r.id),
  hasCredentials: (r, _a, ctx) => ctx.loaders.repositorySecretPresence.load(r.id).then((p) => p.credential),
  hasWebhookSecret: (r, _a, ctx) => ctx.loaders.repositorySecretPresence.load(r.id).then((p) => p.webhook),
  fabrics: async (r, _a, ctx) =>
    (await ctx.loaders.fabricsOfRepository.load(r.id)).filter((f) => ctx.auth.can('read', f.id)),
};

const KIND_OF_CRD = new Map<string, string>(KINDS.map((k) => [`${k.plural}.${k.group}`, k.kind]));

export const FabricConnectionTest: GFabricConnectionTestResolvers<ApiContext> = {
  fabric: async (view, _a, ctx) => (await ctx.loaders.fabric.load(view.fabricId))!,
  status: (view) => view.result.status,
  message: (view) => view.result.message,
  serverVersion: (view) => view.result.serverVersion ?? null,
  // Kind names are the GraphQL Kind enum's values (a test keeps the two equal).
  missingKinds: (view) => view.result.missingCrds.flatMap((crd) => KIND_OF_CRD.get(crd) ?? []) as GKind[],
  missingPermissions: (view) =>
    view.result.missingPermissions.map((p) => ({ kind: p.kind as GKind, verbs: [...p.verbs] })),
};

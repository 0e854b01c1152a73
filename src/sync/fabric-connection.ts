/**
 * A fabric's cluster connection: builds (or reuses) its client from its own settings, records the
 * connection status every cluster call reveals, and runs the connection test.
 */
import type { Manifest } from '../domain/manifest.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  ClusterError,
  type ClusterClient,
  type ClusterClients,
  type ClusterSettings,
  type ConnectionResult,
} from '../cluster/index.js';
import { listLiveSet, type LiveSet } from '../cluster/live-set.js';
import { badInput, notFound } from '../domain/errors.js';
import type { FabricConnection } from '../domain/states.js';
import type { EventBus } from '../events/event-bus.js';
import { SECRET_SLOTS, type Vault } from '../security/vault.js';
import { Fabric } from '../store/entities/index.js';
import { OperationFailure } from './stage.js';

export interface FabricClusterDeps {
  readonly orm: MikroORM;
  readonly vault: Vault;
  readonly events: EventBus;
  readonly clusters: ClusterClients;
}

interface FabricCluster {
  readonly fabric: Fabric;
  /** Undefined when the fabric has no cluster server set. */
  readonly client: ClusterClient | undefined;
}

async function loadFabricCluster(deps: FabricClusterDeps, fabricId: string): Promise<FabricCluster> {
  const fabric = await deps.orm.em.fork().findOne(Fabric, fabricId, { populate: ['clusterTokenCiphertext'] });
  if (!fabric) throw notFound('fabric', fabricId);
  const server = fabric.clusterServer;
  if (!server) return { fabric, client: undefined };
  const client = deps.clusters.get(fabric.id, fabric.clusterGeneration, () =>
    clusterSettingsOf(fabric, server, deps.vault),
  );
  return { fabric, client };
}

/** The settings a cluster client is built from; the fabric's token is opened (and so redacted) here. */
export function clusterSettingsOf(fabric: Fabric, server: string, vault: Vault): ClusterSettings {
  const token = vault.openOptional(fabric.clusterTokenCiphertext, SECRET_SLOTS.fabricClusterToken(fabric.id));
  return {
    server,
    ...(token ? { token } : {}),
    caPem: fabric.clusterCa,
    namespace: fabric.clusterNamespace,
    insecureSkipTlsVerify: fabric.clusterInsecureSkipTlsVerify,
  };
}

/** For pipelines: a fabric without a cluster cannot run them. */
export async function requireFabricCluster(
  deps: FabricClusterDeps,
  fabricId: string,
): Promise<{ fabric: Fabric; client: ClusterClient }> {
  const { fabric, client } = await loadFabricCluster(deps, fabricId);
  if (!client)
    throw new OperationFailure(`fabric ${fabric.name} has no cluster server; set clusterServer first`);
  return { fabric, client };
}

/**
 * Stores and publishes the connection status when it changed (or its message did). The message is
 * the cluster's (or a proxy's) words, so it is redacted first; returns it as stored.
 */
export async function recordConnection(
  deps: FabricClusterDeps,
  fabric: Fabric,
  status: FabricConnection,
  reported: string | null,
): Promise<string | null> {
  const message = reported === null ? null : deps.vault.redactor.redact(reported);
  if (fabric.connectionStatus === status && fabric.connectionMessage === message) return message;
  await deps.orm.em
    .fork()
    .nativeUpdate(Fabric, { id: fabric.id }, { connectionStatus: status, connectionMessage: message });
  fabric.connectionStatus = status;
  fabric.connectionMessage = message;
  await deps.events.publish('fabricStatus', fabric.id, {
    fabricId: fabric.id,
    connectionStatus: status,
    ...(message ? { message } : {}),
    at: new Date().toISOString(),
  });
  return message;
}

/**
 * Lists the fabric's live objects; a failure fails the operation (the database keeps its state)
 * and records what it says about the connection.
 */
export async function listLiveOrFail(
  deps: FabricClusterDeps,
  fabric: Fabric,
  client: ClusterClient,
  signal: AbortSignal,
): Promise<LiveSet> {
  try {
    const live = await listLiveSet(client, signal);
    if (fabric.connectionStatus !== 'CONNECTED')
      await recordConnection(deps, fabric, 'CONNECTED', 'the last cluster call succeeded');
    return live;
  } catch (err) {
    if (!(err instanceof ClusterError)) throw err;
    await recordConnection(deps, fabric, err.failure.connection ?? 'ERROR', err.message);
    throw new OperationFailure(`cluster of fabric ${fabric.name}: ${err.message}`, [], { cause: err });
  }
}

/** The testFabricConnection mutation's work: call the cluster, store and publish what it said. */
export async function testFabricConnection(
  deps: FabricClusterDeps,
  fabricId: string,
): Promise<ConnectionResult> {
  const { fabric, client } = await loadFabricCluster(deps, fabricId);
  const result: ConnectionResult = client
    ? await client.testConnection()
    : {
        status: 'ERROR',
        message: 'no cluster server is set for this fabric',
        missingCrds: [],
        missingPermissions: [],
      };
  return { ...result, message: (await recordConnection(deps, fabric, result.status, result.message)) ?? '' };
}

/** One live object of the fabric's cluster (for adopting an orphan into Git), or null. */
export async function findLiveObject(
  deps: FabricClusterDeps,
  fabricId: string,
  kind: string,
  name: string,
): Promise<Manifest | null> {
  const { fabric, client } = await loadFabricCluster(deps, fabricId);
  if (!client) throw badInput('fabricId', `fabric ${fabric.name} has no cluster settings`);
  const live = await client.list(kind);
  return live.find((object) => object.metadata.name === name) ?? null;
}

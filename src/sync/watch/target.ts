/** What one fabric's watch needs, read from that fabric alone: its name, generation and cluster settings. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ClusterSettings } from '../../cluster/index.js';
import type { FabricWatch } from '../../domain/states.js';
import type { Vault } from '../../security/vault.js';
import { clusterSettingsOf } from '../fabric-connection.js';
import { Fabric } from '../../store/entities/index.js';

export interface WatchTarget {
  readonly fabricId: string;
  readonly fabricName: string;
  readonly generation: number;
  readonly settings: ClusterSettings;
  /** As stored now: the watch's status moves on from it. */
  readonly watchStatus: FabricWatch;
}

/** Undefined when the fabric is gone or has no cluster server. */
export async function loadWatchTarget(
  orm: MikroORM,
  vault: Vault,
  fabricId: string,
): Promise<WatchTarget | undefined> {
  const fabric = await orm.em.fork().findOne(Fabric, fabricId, { populate: ['clusterTokenCiphertext'] });
  if (!fabric?.clusterServer) return undefined;
  return {
    fabricId: fabric.id,
    fabricName: fabric.name,
    generation: fabric.clusterGeneration,
    watchStatus: fabric.watchStatus,
    settings: clusterSettingsOf(fabric, fabric.clusterServer, vault),
  };
}

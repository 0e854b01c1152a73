/**
 * Creating and changing fabrics: validate every field, seal the cluster token, and store, under the
 * placement lock when the fabric's place (Git directory, cluster) changes, so no two
 * fabrics ever hold the same one (src/store/fabric-placement.ts).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { validateDriftIgnoreRules } from '../../domain/drift-ignore.js';
import { badInput, conflict, notFound } from '../../domain/errors.js';
import { dnsLabel, httpUrl, pemCertificates, syncInterval } from '../../domain/input-rules.js';
import { normalizeDirectory } from '../../domain/paths.js';
import { checkBranch } from '../../git/refs.js';
import { Fabric, GitRepository } from '../../store/entities/index.js';
import {
  findPlacementClash,
  lockPlacements,
  type FabricPlacement,
  type PlacementClash,
} from '../../store/fabric-placement.js';
import { SECRET_SLOTS, type Vault } from '../../security/vault.js';
import { flushUniqueName } from './flush-unique.js';
import type { GClusterInput, GCreateFabricInput, GUpdateFabricInput } from '../generated/graphql.js';

export interface FabricServiceDeps {
  readonly orm: MikroORM;
  readonly vault: Vault;
  /** Told after a fabric's cluster settings changed or it was deleted (the watch supervisor restarts). */
  readonly onClusterChanged?: (fabricId: string) => void;
  /** Told after a fabric is deleted: what is remembered of it in memory can go. */
  readonly onDeleted?: (fabricId: string) => void;
}

/** Input after global ids were turned into database ids by the resolver. */
export type FabricInput = Omit<GUpdateFabricInput, 'repositoryId'> & { repositoryId?: string | null };

/** Whether the caller may read a fabric: a CONFLICT names the other fabric only then. */
export type CanReadFabric = (fabricId: string) => boolean;

const placementOf = (fabric: Fabric): FabricPlacement => ({
  fabricId: fabric.id,
  repositoryId: fabric.repository?.id ?? null,
  branch: fabric.branch,
  directory: fabric.directory,
  clusterServer: fabric.clusterServer,
});

const samePlacement = (a: FabricPlacement, b: FabricPlacement) =>
  (Object.keys(a) as (keyof FabricPlacement)[]).every((key) => a[key] === b[key]);

export class FabricService {
  constructor(private readonly deps: FabricServiceDeps) {}

  async create(
    input: FabricInput & Pick<GCreateFabricInput, 'name'>,
    canRead: CanReadFabric = () => false,
  ): Promise<Fabric> {
    const fabric = await this.deps.orm.em.fork().transactional(async (em) => {
      const fabric = new Fabric();
      fabric.id = randomUUID();
      await this.assign(em, fabric, input);
      await this.claimPlacement(em, fabric, canRead);
      em.persist(fabric);
      await flushUniqueName(em, 'a fabric', fabric.name);
      return fabric;
    });
    if (fabric.clusterServer) this.deps.onClusterChanged?.(fabric.id);
    return fabric;
  }

  async update(id: string, input: FabricInput, canRead: CanReadFabric = () => false): Promise<Fabric> {
    const { fabric, clusterChanged } = await this.deps.orm.em.fork().transactional(async (em) => {
      const fabric = await em.findOne(Fabric, id, { populate: ['clusterTokenCiphertext'] });
      if (!fabric) throw notFound('fabric', id);
      const before = placementOf(fabric);
      const clusterChanged = await this.assign(em, fabric, input);
      if (clusterChanged) fabric.clusterGeneration += 1;
      if (!samePlacement(before, placementOf(fabric))) await this.claimPlacement(em, fabric, canRead);
      await flushUniqueName(em, 'a fabric', fabric.name);
      return { fabric, clusterChanged };
    });
    if (clusterChanged) this.deps.onClusterChanged?.(fabric.id);
    return fabric;
  }

  /** Records, operations and drift reports go with it (cascade); the cluster is left untouched. */
  async delete(id: string): Promise<void> {
    const deleted = await this.deps.orm.em.fork().nativeDelete(Fabric, { id });
    if (deleted === 0) throw notFound('fabric', id);
    this.deps.onClusterChanged?.(id);
    this.deps.onDeleted?.(id);
  }

  /** CONFLICT when another fabric holds any of `fabric`'s place; the lock lasts until `em` commits. */
  private async claimPlacement(em: EntityManager, fabric: Fabric, canRead: CanReadFabric): Promise<void> {
    await lockPlacements(em);
    const clash = await findPlacementClash(em, placementOf(fabric));
    if (clash) throw placementConflict(fabric, clash, canRead(clash.fabricId));
  }

  /** Returns whether the cluster settings changed. */
  private async assign(em: EntityManager, fabric: Fabric, input: FabricInput): Promise<boolean> {
    if (input.name != null) fabric.name = dnsLabel('input.name', input.name);
    if (!fabric.name) throw badInput('input.name', 'is required');
    if (input.description !== undefined) fabric.description = input.description?.trim() || null;
    if (input.lifecycle != null) fabric.lifecycle = input.lifecycle;
    if (input.repositoryId !== undefined)
      fabric.repository = await this.repositoryRef(em, input.repositoryId);
    if (input.branch !== undefined)
      fabric.branch = input.branch ? checkBranch(input.branch, 'input.branch') : null;
    if (input.directory != null) fabric.directory = normalizeDirectory(input.directory, 'input.directory');
    if (input.syncIntervalSeconds != null)
      fabric.syncIntervalSeconds = syncInterval('input.syncIntervalSeconds', input.syncIntervalSeconds);
    if (input.autoApply != null) fabric.autoApply = input.autoApply;
    if (input.prune != null) fabric.prune = input.prune;
    if (input.selfHeal != null) fabric.selfHeal = input.selfHeal;
    if (input.driftIgnore != null) fabric.driftIgnore = validateDriftIgnoreRules(input.driftIgnore);
    if (input.clearCluster) return this.clearCluster(fabric);
    return input.cluster ? this.assignCluster(fabric, input.cluster) : false;
  }

  private async repositoryRef(em: EntityManager, repositoryId: string | null) {
    if (repositoryId === null) return null;
    const repo = await em.findOne(GitRepository, repositoryId, { fields: ['id'] });
    if (!repo) throw badInput('input.repositoryId', 'no such repository');
    return em.getReference(GitRepository, repositoryId, { wrapped: true });
  }

  private assignCluster(fabric: Fabric, cluster: GClusterInput): boolean {
    const before = [
      fabric.clusterServer,
      fabric.clusterTokenCiphertext,
      fabric.clusterCa,
      fabric.clusterNamespace,
    ];
    const server = httpUrl('input.cluster.server', cluster.server);
    const insecure = cluster.insecureSkipTlsVerify ?? fabric.clusterInsecureSkipTlsVerify;
    if (server.protocol === 'http:' && !insecure)
      throw badInput(
        'input.cluster.server',
        'http:// sends the token in clear text; use https:// (or set insecureSkipTlsVerify explicitly)',
      );
    const normalized = server.toString().replace(/\/$/, '');
    if (normalized !== fabric.clusterServer && fabric.clusterTokenCiphertext && cluster.token == null)
      throw badInput(
        'input.cluster.token',
        'is required with a new server: the stored token is never sent to another server',
      );
    fabric.clusterServer = normalized;
    fabric.clusterInsecureSkipTlsVerify = insecure;
    if (cluster.namespace != null)
      fabric.clusterNamespace = dnsLabel('input.cluster.namespace', cluster.namespace);
    if (cluster.caCert !== undefined)
      fabric.clusterCa = cluster.caCert ? pemCertificates('input.cluster.caCert', cluster.caCert) : null;
    if (cluster.token != null) {
      if (cluster.token.trim() === '') throw badInput('input.cluster.token', 'is empty');
      fabric.clusterTokenCiphertext = this.deps.vault.seal(
        cluster.token,
        SECRET_SLOTS.fabricClusterToken(fabric.id),
      );
    }
    const after = [
      fabric.clusterServer,
      fabric.clusterTokenCiphertext,
      fabric.clusterCa,
      fabric.clusterNamespace,
    ];
    return before.some((value, i) => value !== after[i]);
  }

  private clearCluster(fabric: Fabric): boolean {
    const had = fabric.clusterServer !== null;
    fabric.clusterServer = null;
    fabric.clusterTokenCiphertext = null;
    fabric.clusterCa = null;
    fabric.connectionStatus = 'UNKNOWN';
    fabric.watchStatus = 'INACTIVE';
    return had;
  }
}

function placementConflict(fabric: Fabric, clash: PlacementClash, named: boolean) {
  const other = named ? `fabric "${clash.fabricName}"` : 'another fabric';
  if (clash.shared === 'cluster')
    return conflict(
      `cluster ${fabric.clusterServer} is ${other}'s: every fabric object lives in namespace default, so two fabrics on one cluster would apply over and prune each other's objects`,
      { field: 'input.cluster' },
    );
  const where = named ? ` ("${clash.directory}" of branch "${clash.branch}")` : '';
  return conflict(
    `directory "${fabric.directory}" overlaps the directory of ${other}${where}: two fabrics may not read and write the same Git files`,
    { field: 'input.directory' },
  );
}

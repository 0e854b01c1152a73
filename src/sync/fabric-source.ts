/** Where a fabric's desired state lives in Git, resolved as the git sync's FETCH stage resolves it. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, notFound } from '../domain/errors.js';
import { isWithin } from '../domain/paths.js';
import type { RepoAccess } from '../git/types.js';
import type { Vault } from '../security/vault.js';
import { Fabric } from '../store/entities/index.js';
import { repoAccessFor } from './access.js';

export interface FabricSource {
  readonly fabric: Fabric;
  readonly access: RepoAccess;
  readonly branch: string;
  readonly directory: string;
  /** Other fabrics' directories nested in this one, on the same branch: not this fabric's files. */
  readonly excludeDirs: string[];
}

export async function loadFabricSource(
  em: EntityManager,
  vault: Vault,
  fabricId: string,
): Promise<FabricSource> {
  const fabric = await em.findOne(Fabric, fabricId, {
    populate: ['repository', 'repository.credentialCiphertext'],
  });
  if (!fabric) throw notFound('fabric', fabricId);
  const repo = fabric.repository?.getEntity();
  if (!repo) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `fabric ${fabric.name} has no repository; set its repositoryId first`,
      {
        field: 'fabricId',
      },
    );
  }
  const branch = fabric.branch ?? repo.defaultBranch;
  const siblings = await em.find(
    Fabric,
    { repository: repo.id, id: { $ne: fabric.id } },
    { fields: ['directory', 'branch'] },
  );
  const excludeDirs = siblings
    .filter((f) => (f.branch ?? repo.defaultBranch) === branch && f.directory !== fabric.directory)
    .map((f) => f.directory)
    .filter((dir) => isWithin(dir, fabric.directory));
  return { fabric, access: repoAccessFor(repo, vault), branch, directory: fabric.directory, excludeDirs };
}

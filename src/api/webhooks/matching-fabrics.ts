import type { EntityManager } from '@mikro-orm/postgresql';
import { Fabric, type GitRepository } from '../../store/entities/index.js';

/** Fabrics that read `branch` of the repository: their own branch, or the repository's default. */
export async function fabricsOnBranch(
  em: EntityManager,
  repository: GitRepository,
  branch: string,
): Promise<Fabric[]> {
  const fabrics = await em.find(Fabric, { repository: repository.id }, { orderBy: { name: 'asc' } });
  return fabrics.filter((fabric) => (fabric.branch ?? repository.defaultBranch) === branch);
}

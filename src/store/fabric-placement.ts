/**
 * Where fabrics sit (README "Fabric isolation"): each holds its directory of one branch of one
 * repository, and its cluster, alone. The cluster is told by its server alone: every object of a
 * fabric lives in namespace `default` (the fabric's webhook accepts no other), whatever the fabric's
 * namespace setting says, so two fabrics on one server always apply over and prune each other. A directory holds every directory below it ('' is
 * the repository's root), and a fabric without a branch tracks its repository's default branch.
 *
 * Each check is one statement. Callers take the placement lock in the same transaction first, so
 * two concurrent creates cannot both find a place free and both take it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface FabricPlacement {
  readonly fabricId: string;
  readonly repositoryId: string | null;
  /** null: the repository's default branch. */
  readonly branch: string | null;
  readonly directory: string;
  /** Normalized as the fabric service stores it; null when the fabric has no cluster. */
  readonly clusterServer: string | null;
}

export interface PlacementClash {
  readonly fabricId: string;
  readonly fabricName: string;
  /** What the two share: Git files (the same or nested directories of a branch), or a cluster. */
  readonly shared: 'directory' | 'cluster';
  readonly branch: string | null;
  readonly directory: string;
}

const LOCK_KEY = 'fabric-placement';

/** Held until the transaction of `em` ends; every writer of a fabric's placement takes it. */
export async function lockPlacements(em: EntityManager): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [LOCK_KEY]);
}

const CLASH = `
  with candidate as (
    select ?::uuid as id, ?::uuid as repository_id, ?::text as directory,
           coalesce(?::text, (select default_branch from git_repository where id = ?::uuid)) as branch,
           ?::text as cluster_server
  )
  select f.id, f.name, f.directory, coalesce(f.branch, r.default_branch) as branch,
         (f.cluster_server = c.cluster_server) as same_cluster
  from fabric f
  cross join candidate c
  left join git_repository r on r.id = f.repository_id
  where f.id <> c.id
    and ((f.repository_id = c.repository_id
          and coalesce(f.branch, r.default_branch) = c.branch
          and (f.directory = '' or c.directory = '' or f.directory = c.directory
               or starts_with(f.directory, c.directory || '/')
               or starts_with(c.directory, f.directory || '/')))
      or f.cluster_server = c.cluster_server)
  order by f.name
  limit 1`;

interface ClashRow {
  id: string;
  name: string;
  directory: string;
  branch: string | null;
  same_cluster: boolean | null;
}

/** Another fabric whose place overlaps `placement`, or null. */
export async function findPlacementClash(
  em: EntityManager,
  placement: FabricPlacement,
): Promise<PlacementClash | null> {
  const { fabricId, repositoryId, branch, directory, clusterServer } = placement;
  const [row] = await em.execute<ClashRow[]>(CLASH, [
    fabricId,
    repositoryId,
    directory,
    branch,
    repositoryId,
    clusterServer,
  ]);
  if (!row) return null;
  return {
    fabricId: row.id,
    fabricName: row.name,
    shared: row.same_cluster ? 'cluster' : 'directory',
    branch: row.branch,
    directory: row.directory,
  };
}

/** Another fabric of the repository that tracks `branch` (its own, or the default one), or null. */
export async function fabricTrackingBranch(
  em: EntityManager,
  { repositoryId, branch, exceptFabricId }: { repositoryId: string; branch: string; exceptFabricId: string },
): Promise<{ fabricId: string; fabricName: string } | null> {
  const [row] = await em.execute<{ id: string; name: string }[]>(
    `select f.id, f.name from fabric f join git_repository r on r.id = f.repository_id
     where f.repository_id = ? and f.id <> ? and coalesce(f.branch, r.default_branch) = ?
     order by f.name limit 1`,
    [repositoryId, exceptFabricId, branch],
  );
  return row ? { fabricId: row.id, fabricName: row.name } : null;
}

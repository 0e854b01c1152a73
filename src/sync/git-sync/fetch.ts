/** FETCH: bring the branch tip into the repository cache; an unchanged directory tree ends the sync early. */
import { isWithin } from '../../domain/paths.js';
import { GitError } from '../../git/git-error.js';
import { Fabric } from '../../store/entities/index.js';
import { repoAccessFor } from '../access.js';
import { OperationFailure, type StageResult } from '../stage.js';
import type { GitSyncContext } from './context.js';

export async function fetchSource(ctx: GitSyncContext): Promise<StageResult> {
  const { orm, git, vault } = ctx.deps;
  const em = orm.em.fork();
  const fabric = await em.findOne(Fabric, ctx.op.fabricId, {
    populate: ['repository', 'repository.credentialCiphertext'],
  });
  if (!fabric) throw new OperationFailure('the fabric was deleted');
  const repo = fabric.repository?.getEntity();
  if (!repo) throw new OperationFailure(`fabric ${fabric.name} has no repository; set repositoryId first`);
  const branch = fabric.branch ?? repo.defaultBranch;
  const access = repoAccessFor(repo, vault);
  let commit: string;
  try {
    ({ commit } = await git.fetch(access, branch));
  } catch (err) {
    if (err instanceof GitError)
      throw new OperationFailure(`fetching ${repo.name} (${branch}): ${err.message}`, [], { cause: err });
    throw err;
  }
  await ctx.op.setCommit(commit);
  const tree = await git.treeHash(access, commit, fabric.directory);
  if (tree === null)
    throw new OperationFailure(
      `directory "${fabric.directory}" does not exist in ${repo.name} at ${commit.slice(0, 12)}`,
    );
  Object.assign(ctx, { fabric, access, commit, tree });
  if (tree === fabric.syncedTree)
    return {
      finishEarly: true,
      message: `no change in "${fabric.directory || '/'}" since the last sync`,
      counts: { changed: 0 },
    };
  const siblings = await em.find(
    Fabric,
    { repository: repo.id, id: { $ne: fabric.id } },
    { fields: ['directory', 'branch'] },
  );
  ctx.excludeDirs = siblings
    .filter((f) => (f.branch ?? repo.defaultBranch) === branch && f.directory !== fabric.directory)
    .map((f) => f.directory)
    .filter((dir) => isWithin(dir, fabric.directory));
  return { counts: { changed: 1 } };
}

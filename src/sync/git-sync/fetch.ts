/** FETCH: bring the branch tip into the repository cache; an unchanged directory tree ends the sync early. */
import { GitError } from '../../git/git-error.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../domain/errors.js';
import type { Vault } from '../../security/vault.js';
import { loadFabricSource } from '../fabric-source.js';
import { OperationFailure, type StageResult } from '../stage.js';
import type { GitSyncContext } from './context.js';

export async function fetchSource(ctx: GitSyncContext): Promise<StageResult> {
  const { orm, git, vault } = ctx.deps;
  const { fabric, access, branch, excludeDirs } = await loadSource(orm.em.fork(), vault, ctx.op.fabricId);
  let commit: string;
  try {
    ({ commit } = await git.fetch(access, branch));
  } catch (err) {
    if (err instanceof GitError)
      throw new OperationFailure(`fetching ${access.url} (${branch}): ${err.message}`, [], { cause: err });
    throw err;
  }
  await ctx.op.setCommit(commit);
  const tree = await git.treeHash(access, commit, fabric.directory);
  if (tree === null)
    throw new OperationFailure(
      `directory "${fabric.directory}" does not exist at ${commit.slice(0, 12)} of ${branch}`,
    );
  Object.assign(ctx, { fabric, access, commit, tree, excludeDirs });
  if (tree === fabric.syncedTree)
    return {
      finishEarly: true,
      message: `no change in "${fabric.directory || '/'}" since the last sync`,
      counts: { changed: 0 },
    };
  return { counts: { changed: 1 } };
}

/** The fabric's repository, branch and directory; a fabric that cannot be synced fails the operation. */
async function loadSource(em: EntityManager, vault: Vault, fabricId: string) {
  try {
    return await loadFabricSource(em, vault, fabricId);
  } catch (err) {
    if (err instanceof DomainError) throw new OperationFailure(err.message, [], { cause: err });
    throw err;
  }
}

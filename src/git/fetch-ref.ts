/**
 * A ref a person names for a preview: a branch, a tag or a commit id, resolved on the remote and
 * fetched by commit id (depth 1) without any ref of the cache moving, so the fabric's tracked
 * branch and its no-op check stay as they are. The caller holds the cache's lock.
 */
import { DomainError } from '../domain/errors.js';
import { branchName } from '../domain/input-rules.js';
import { fetchCommit } from './fetch-branch.js';
import { GitError } from './git-error.js';
import type { RepoGit } from './repo-git.js';

const FULL_COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const SHORT_COMMIT = /^[0-9a-f]{7,39}$/;

/** The ref as git may read it (a branch or tag name by git's branch rule, or hex), or BAD_USER_INPUT naming `field`. */
export function checkRef(ref: string, field = 'ref'): string {
  if (FULL_COMMIT.test(ref) || SHORT_COMMIT.test(ref)) return ref;
  try {
    return branchName(field, ref);
  } catch {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: "${ref}" is neither a branch or tag name nor a 7–40 digit hex commit id`,
      { field },
    );
  }
}

/** The commit `ref` names, now present in the cache; NOT_FOUND when the remote has no such branch, tag or commit. */
export async function fetchRef(git: RepoGit, ref: string): Promise<string> {
  await git.ensureCache();
  const commit = FULL_COMMIT.test(ref)
    ? ref
    : ((await remoteRef(git, ref)) ?? (await cachedCommit(git, ref)));
  if (!commit)
    throw new GitError('NOT_FOUND', `repository ${git.repo.id} has no branch, tag or commit "${ref}"`);
  await fetchCommit(git, commit);
  return commit;
}

/** The commit of branch `ref`, else of tag `ref` (peeled when annotated), on the remote. */
async function remoteRef(git: RepoGit, ref: string): Promise<string | undefined> {
  // An annotated tag's own line names the tag object; its peeled line (^{}) the commit, so it wins.
  const refs = [`refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`];
  const { stdout } = await git.remote(['ls-remote', '--', git.repo.url, ...refs]);
  const tips = new Map(
    stdout
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [oid = '', name = ''] = line.split('\t');
        return [name, oid] as const;
      }),
  );
  return refs.map((r) => tips.get(r)).find((oid) => oid !== undefined && oid !== '');
}

/** An abbreviated id can be resolved only against commits the cache already holds (the remote lists refs, not commits). */
async function cachedCommit(git: RepoGit, ref: string): Promise<string | undefined> {
  return SHORT_COMMIT.test(ref) ? git.resolve(`${ref}^{commit}`) : undefined;
}

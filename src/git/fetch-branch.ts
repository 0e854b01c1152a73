/**
 * Shallow fetch of one branch into the cache, force-updating its tracking ref (force-pushed
 * branches move backwards). A polled branch rarely moves, so one `ls-remote` comes first and the
 * fetch (a second, heavier round trip) runs only when the tip differs. The caller holds the
 * cache's lock.
 */
import { GitError } from './git-error.js';
import { trackingRef } from './refs.js';
import type { RepoGit } from './repo-git.js';

const FETCH = [
  '-c',
  'gc.autoDetach=false',
  'fetch',
  '--quiet',
  '--depth',
  '1',
  '--no-tags',
  '--no-write-fetch-head',
];

export async function fetchBranch(git: RepoGit, branch: string): Promise<string> {
  const ref = trackingRef(branch);
  await git.ensureCache();
  await git.clearStaleLocks();
  const tip = await remoteTip(git, branch);
  const cached = await localTip(git, ref);
  if (cached === tip) return tip;
  await git.remote([...FETCH, '--', git.repo.url, `+refs/heads/${branch}:${ref}`], { cwd: git.cachePath });
  const fetched = await localTip(git, ref);
  if (!fetched) throw new Error(`repository ${git.repo.id}: fetch of "${branch}" left no ${ref}`);
  return fetched;
}

/** The commit of the branch (or of HEAD) on the remote; NOT_FOUND when there is none. */
export async function remoteTip(git: RepoGit, branch?: string): Promise<string> {
  const ref = branch === undefined ? 'HEAD' : `refs/heads/${branch}`;
  const { stdout } = await git.remote(['ls-remote', '--', git.repo.url, ref]);
  const tip = stdout.toString('utf8').split('\t')[0]?.trim();
  if (tip) return tip;
  const what =
    branch === undefined ? 'has no default branch (an empty repository?)' : `has no branch "${branch}"`;
  throw new GitError('NOT_FOUND', `repository ${git.repo.id} ${what}`);
}

async function localTip(git: RepoGit, ref: string): Promise<string | undefined> {
  const args = ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`];
  const result = await git.run(args, { cwd: git.cachePath }, { credentials: false });
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

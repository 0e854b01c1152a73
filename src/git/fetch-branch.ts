/**
 * Shallow fetch of one branch into the cache, force-updating its tracking ref (force-pushed
 * branches move backwards). A polled branch rarely moves, so the remote's tip is asked for first
 * (one HTTP request on http(s), `git ls-remote` otherwise) and the fetch (a heavier round trip)
 * runs only when it differs from the cache's. The caller holds the cache's lock.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitError } from './git-error.js';
import { httpRefTip } from './http-refs.js';
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
  const tip = await remoteTip(git, branch);
  const cached = await localTip(git, ref);
  if (cached === tip) return tip;
  await git.clearStaleLocks();
  await git.remote([...FETCH, '--', git.repo.url, `+refs/heads/${branch}:${ref}`], { cwd: git.cachePath });
  const fetched = await localTip(git, ref);
  if (!fetched) throw new Error(`repository ${git.repo.id}: fetch of "${branch}" left no ${ref}`);
  return fetched;
}

/**
 * Makes `commit` (a full id, checked by the caller) present in the cache, fetched by id (depth 1)
 * when missing, without any ref: no tracked branch moves. NOT_FOUND when the remote has no such commit.
 */
export async function fetchCommit(git: RepoGit, commit: string): Promise<void> {
  await git.ensureCache();
  if (await git.resolve(`${commit}^{commit}`)) return;
  await git.clearStaleLocks();
  try {
    await git.remote([...FETCH, '--', git.repo.url, commit], { cwd: git.cachePath });
  } catch (err) {
    if (
      err instanceof GitError &&
      /not our ref|couldn't find remote ref|no such remote ref/i.test(err.message)
    )
      throw new GitError('NOT_FOUND', `repository ${git.repo.id} has no commit ${commit}`);
    throw err;
  }
  if (!(await git.resolve(`${commit}^{commit}`)))
    throw new GitError('NOT_FOUND', `repository ${git.repo.id} has no commit ${commit}`);
}

/** The commit of the branch (or of HEAD) on the remote; NOT_FOUND when there is none. */
export async function remoteTip(git: RepoGit, branch?: string): Promise<string> {
  const ref = branch === undefined ? 'HEAD' : `refs/heads/${branch}`;
  const tip = await git.observed('ls-remote', async () => {
    const answer = await httpRefTip(git, ref);
    if (answer) return answer.tip;
    const { stdout } = await git.remoteUnobserved(['ls-remote', '--', git.repo.url, ref]);
    return stdout.toString('utf8').split('\t')[0]?.trim();
  });
  if (tip) return tip;
  const what =
    branch === undefined ? 'has no default branch (an empty repository?)' : `has no branch "${branch}"`;
  throw new GitError('NOT_FOUND', `repository ${git.repo.id} ${what}`);
}

/** The cache's commit for ref: its loose ref file when git left one (no process), else rev-parse. */
async function localTip(git: RepoGit, ref: string): Promise<string | undefined> {
  const loose = await readFile(join(git.cachePath, ref), 'utf8').catch(() => '');
  if (/^[0-9a-f]{40}(?:[0-9a-f]{24})?\n$/.test(loose)) return loose.trim();
  return git.resolve(`${ref}^{commit}`);
}

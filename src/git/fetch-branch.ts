/**
 * Shallow fetch of one branch into the cache, force-updating its tracking ref (force-pushed
 * branches move backwards). The caller holds the cache's lock.
 */
import { trackingRef } from './refs.js';
import type { RepoGit } from './repo-git.js';

export async function fetchBranch(git: RepoGit, branch: string): Promise<string> {
  const ref = trackingRef(branch);
  await git.ensureCache();
  await git.clearStaleLocks();
  await git.remote(
    [
      ...[
        '-c',
        'gc.autoDetach=false',
        'fetch',
        '--quiet',
        '--depth',
        '1',
        '--no-tags',
        '--no-write-fetch-head',
      ],
      ...['--', git.repo.url, `+refs/heads/${branch}:${ref}`],
    ],
    { cwd: git.cachePath },
  );
  const { stdout } = await git.local(['rev-parse', '--verify', `${ref}^{commit}`]);
  return stdout.toString('utf8').trim();
}

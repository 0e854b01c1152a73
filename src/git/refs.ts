/** Input checks for names that end up in git's argv, so none can be read as an option or a revision range. */
import { DomainError } from '../domain/errors.js';
import { branchName } from '../domain/input-rules.js';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A branch name git takes as one (src/domain/input-rules.ts has the rule), or BAD_USER_INPUT. */
export const checkBranch = (branch: string, field = 'branch'): string => branchName(field, branch);

/** A full commit id (SHA-1 or SHA-256), or BAD_USER_INPUT. */
export function checkCommit(commit: string, field = 'commit'): string {
  if (!COMMIT.test(commit))
    throw new DomainError('BAD_USER_INPUT', `${field}: "${commit}" is not a full commit id`, { field });
  return commit;
}

/** Where the cache keeps the fetched tip of a branch: outside refs/heads, so nothing treats it as a local branch. */
export const trackingRef = (branch: string) => `refs/fabric-sync/heads/${branch}`;

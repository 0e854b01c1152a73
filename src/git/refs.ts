/** Input checks for names that end up in git's argv, so none can be read as an option or a revision range. */
import { DomainError } from '../domain/errors.js';

const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A branch name as `git check-ref-format --branch` accepts it (the common subset), or BAD_USER_INPUT. */
export function checkBranch(branch: string, field = 'branch'): string {
  const bad =
    !branch ||
    branch.startsWith('-') ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    branch.split('/').some((part) => part.startsWith('.')) ||
    /[\s\0-\x1f\x7f~^:?*[\\]/.test(branch);
  if (bad)
    throw new DomainError('BAD_USER_INPUT', `${field}: "${branch}" is not a valid branch name`, { field });
  return branch;
}

/** A full commit id (SHA-1 or SHA-256), or BAD_USER_INPUT. */
export function checkCommit(commit: string, field = 'commit'): string {
  if (!COMMIT.test(commit))
    throw new DomainError('BAD_USER_INPUT', `${field}: "${commit}" is not a full commit id`, { field });
  return commit;
}

/** Where the cache keeps the fetched tip of a branch: outside refs/heads, so nothing treats it as a local branch. */
export const trackingRef = (branch: string) => `refs/fabric-sync/heads/${branch}`;

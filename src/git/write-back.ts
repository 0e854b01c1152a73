/**
 * Write-back: a commit built with plumbing on the bare cache (no working tree) and pushed without
 * force. New objects go to a scratch object directory that borrows the cache's objects as an
 * alternate, so success or failure leaves nothing behind in the cache.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, conflict } from '../domain/errors.js';
import { normalizeFilePath } from '../domain/paths.js';
import { classifyFailure } from './classify.js';
import { fetchBranch, fetchCommit } from './fetch-branch.js';
import { GitError } from './git-error.js';
import { checkBranch, checkCommit } from './refs.js';
import type { RepoGit } from './repo-git.js';
import type { CommitRequest, FileChange, RestoreRequest } from './types.js';

type Env = Record<string, string>;

export async function commitAndPush(git: RepoGit, request: CommitRequest): Promise<{ commit: string }> {
  const files = checkRequest(request);
  return commitBuilt(git, request, (env, scratch) => buildTree(git, env, scratch, request.baseCommit, files));
}

/**
 * Commits the base tree with `directory` as it was at `fromCommit` (a revert of that directory:
 * files added since are removed, changed ones restored; everything outside it, and the nested
 * `keepDirs`, stays as at the base), and pushes it like any write-back.
 */
export async function restoreAndPush(git: RepoGit, request: RestoreRequest): Promise<{ commit: string }> {
  checkRequest({ ...request, files: [] });
  checkCommit(request.fromCommit, 'toCommit');
  return commitBuilt(git, request, async (env) => {
    await fetchCommit(git, request.fromCommit);
    return restoredTree(git, env, request);
  });
}

/** Builds a tree in a scratch index, commits it on the base and pushes; no commit when nothing changed. */
async function commitBuilt(
  git: RepoGit,
  request: Omit<CommitRequest, 'files'>,
  build: (env: Env, scratch: string) => Promise<string>,
): Promise<{ commit: string }> {
  await git.ensureCache();
  const scratch = await mkdtemp(join(tmpdir(), 'fabric-sync-commit-'));
  try {
    const env = await scratchEnv(git, scratch, request.author);
    const base = await baseTree(git, request);
    const tree = await build(env, scratch);
    if (tree === base && request.targetBranch === request.branch) return { commit: request.baseCommit };
    const commit = await output(
      git,
      env,
      ['commit-tree', tree, '-p', request.baseCommit, '-F', '-'],
      request.message,
    );
    await push(git, env, commit, request.targetBranch);
    return { commit };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function checkRequest({
  branch,
  targetBranch,
  baseCommit,
  files,
  message,
  author,
}: CommitRequest): FileChange[] {
  checkBranch(branch, 'branch');
  checkBranch(targetBranch, 'targetBranch');
  checkCommit(baseCommit, 'baseCommit');
  if (!message.trim())
    throw new DomainError('BAD_USER_INPUT', 'message: a commit needs a message', { field: 'message' });
  for (const [field, value] of [
    ['author.name', author.name],
    ['author.email', author.email],
  ] as const) {
    if (!value.trim() || /[<>\n\r\0]/.test(value)) {
      throw new DomainError('BAD_USER_INPUT', `${field}: "${value}" is not usable in a commit`, { field });
    }
  }
  const normalized = files.map((f) => ({
    path: normalizeFilePath(f.path, 'files.path'),
    content: f.content,
  }));
  const seen = new Set<string>();
  for (const { path } of normalized) {
    if (seen.has(path))
      throw new DomainError('BAD_USER_INPUT', `files: "${path}" is changed twice`, { field: 'files' });
    seen.add(path);
  }
  return normalized;
}

async function scratchEnv(git: RepoGit, scratch: string, author: CommitRequest['author']): Promise<Env> {
  await mkdir(join(scratch, 'objects'));
  return {
    GIT_OBJECT_DIRECTORY: join(scratch, 'objects'),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: join(git.cachePath, 'objects'),
    GIT_INDEX_FILE: join(scratch, 'index'),
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
}

/**
 * The base commit's tree. The base must be the branch's commit we know; when the cache lacks it,
 * the branch has moved on (or never had it).
 */
async function baseTree(git: RepoGit, { baseCommit, branch }: Omit<CommitRequest, 'files'>): Promise<string> {
  const rev = `${baseCommit}^{commit}^{tree}`;
  const cached = await git.resolve(rev);
  if (cached) return cached;
  const current = await fetchBranch(git, branch);
  if (current !== baseCommit) {
    throw conflict(`branch "${branch}" is at ${current}, not at the expected ${baseCommit}`, {
      currentCommit: current,
    });
  }
  const fetched = await git.resolve(rev);
  if (!fetched) throw new Error(`repository ${git.repo.id}: fetch of "${branch}" left no ${baseCommit}`);
  return fetched;
}

async function buildTree(
  git: RepoGit,
  env: Env,
  scratch: string,
  base: string,
  files: FileChange[],
): Promise<string> {
  await git.local(['read-tree', base], { env });
  const writes = files.filter((f): f is { path: string; content: string } => f.content !== null);
  const blobs = join(scratch, 'blobs');
  await mkdir(blobs);
  await Promise.all(writes.map((f, i) => writeFile(join(blobs, String(i)), f.content)));
  const input = writes.map((_, i) => join(blobs, String(i))).join('\n');
  const oids = writes.length
    ? (await git.local(['hash-object', '-w', '--stdin-paths'], { env, input })).stdout
    : Buffer.alloc(0);
  const ids = oids.toString('utf8').split('\n').filter(Boolean);
  const idOf = new Map(writes.map((f, i) => [f.path, ids[i]]));
  const zero = '0'.repeat(base.length);
  // --index-info: mode 0 removes the path; paths were checked to hold no tab or newline.
  const lines = files.map((f) =>
    f.content === null ? `0 ${zero}\t${f.path}` : `100644 ${idOf.get(f.path)}\t${f.path}`,
  );
  await git.local(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
  return output(git, env, ['write-tree']);
}

/** The base's index with every entry under the directory (but not the kept dirs) replaced by fromCommit's. */
async function restoredTree(git: RepoGit, env: Env, request: RestoreRequest): Promise<string> {
  const { baseCommit, fromCommit, directory, keepDirs } = request;
  await git.local(['read-tree', baseCommit], { env });
  const kept = (path: string) => keepDirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
  const [now, then] = await Promise.all([
    treeEntries(git, baseCommit, directory),
    treeEntries(git, fromCommit, directory),
  ]);
  const zero = '0'.repeat(baseCommit.length);
  // -z --index-info: NUL-terminated "mode oid\tpath"; mode 0 removes the path, later lines win.
  const lines = [
    ...now.filter((e) => !kept(e.path)).map((e) => `0 ${zero}\t${e.path}`),
    ...then.filter((e) => !kept(e.path)).map((e) => `${e.mode} ${e.oid}\t${e.path}`),
  ];
  if (lines.length)
    await git.local(['update-index', '-z', '--index-info'], { env, input: `${lines.join('\0')}\0` });
  return output(git, env, ['write-tree']);
}

/** Every file (and submodule) under `directory` at `commit`, by repository path. */
async function treeEntries(git: RepoGit, commit: string, directory: string) {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit, ...(directory ? ['--', directory] : [])];
  const { stdout } = await git.local(args);
  return stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', , oid = ''] = line.slice(0, tab).split(' ');
      return { mode, oid, path: line.slice(tab + 1) };
    });
}

async function output(git: RepoGit, env: Env, args: string[], input?: string): Promise<string> {
  const { stdout } = await git.local(args, { env, input });
  return stdout.toString('utf8').trim();
}

/** Pushes without force; a rejected update (the branch moved) is a CONFLICT carrying the branch's current commit. */
async function push(git: RepoGit, env: Env, commit: string, target: string): Promise<void> {
  const args = ['push', '--porcelain', '--', git.repo.url, `${commit}:refs/heads/${target}`];
  const result = await git.run(args, { cwd: git.cachePath, env }, { credentials: true });
  if (result.code === 0) return;
  const report = `${result.stdout.toString('utf8')}\n${result.stderr}`;
  if (/\[rejected\]|non-fast-forward|fetch first/.test(report)) {
    const current = await fetchBranch(git, target);
    throw conflict(
      `branch "${target}" moved to ${current} while the change was prepared; nothing was pushed`,
      {
        currentCommit: current,
      },
    );
  }
  const failure = classifyFailure(report, { timedOut: result.timedOut, timeoutMs: git.timeoutMs });
  throw new GitError(
    failure.status,
    git.redact(`repository ${git.repo.id}: push failed: ${failure.message}`),
  );
}

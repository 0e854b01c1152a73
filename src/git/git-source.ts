/**
 * GitSource: everything fabric-sync does with Git, through the git CLI (nodegit does not build on
 * Node 20; the CLI is what Argo CD uses). One bare, shallow cache per repository under cacheDir.
 */
import { rm } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BoundedMap } from '../domain/bounded-map.js';
import { normalizeDirectory } from '../domain/paths.js';
import { checkUrl } from './url-policy.js';
import { GitError } from './git-error.js';
import { KeyedLock } from './keyed-lock.js';
import { listDirectory, readManifests, type DirectoryListing } from './read-manifests.js';
import { redactorFor, type Redact } from './redact.js';
import { checkBranch, checkCommit } from './refs.js';
import { fetchBranch, fetchCommit, remoteTip } from './fetch-branch.js';
import { checkRef, fetchRef } from './fetch-ref.js';
import { RepoGit, cachePathFor, type HttpAgents, type RepoGitOptions } from './repo-git.js';
import { commitAndPush, restoreAndPush } from './write-back.js';
import type {
  CommitRequest,
  ConnectionResult,
  ManifestFile,
  ReadOptions,
  RepoAccess,
  RestoreRequest,
} from './types.js';

export interface GitSourceOptions {
  /** Where the per-repository caches live (under the data directory). */
  readonly cacheDir: string;
  /** Transports allowed for repository URLs (setting FABRIC_SYNC_GIT_ALLOW_SCHEMES). */
  readonly allowedSchemes: readonly string[];
  /** Longest any single git process may run before its process group is killed. */
  readonly timeoutMs?: number;
  /** known_hosts used for SSH host key checks. */
  readonly knownHostsFile?: string;
  /** Told the duration and outcome of every command that talks to a remote (metrics). */
  readonly onRemoteCall?: RepoGitOptions['onRemoteCall'];
  /** Applied to every message that leaves GitSource, after the repository's own secrets are removed. */
  readonly redact?: Redact;
}

/** Tree ids remembered (a commit's tree never changes), so an unchanged branch is checked without git. */
const MAX_REMEMBERED_TREES = 1024;
/** Listings made for a tree id, kept for the read that usually follows (a sync's PARSE). */
const MAX_REMEMBERED_LISTINGS = 8;

/** Idle keep-alive connections close after this, well before servers usually drop them. */
const KEEP_ALIVE_MS = 4_000;

export class GitSource {
  private readonly cacheLock = new KeyedLock();
  private readonly timeoutMs: number;
  private readonly agents: HttpAgents;
  private readonly trees = new BoundedMap<string, string | null>(MAX_REMEMBERED_TREES);
  private readonly listings = new BoundedMap<string, DirectoryListing>(MAX_REMEMBERED_LISTINGS);

  constructor(private readonly options: GitSourceOptions) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    const keepAlive = { keepAlive: true, timeout: KEEP_ALIVE_MS };
    this.agents = { http: new HttpAgent(keepAlive), https: new HttpsAgent(keepAlive) };
  }

  /** Returns the URL's scheme, or throws BAD_USER_INPUT naming FABRIC_SYNC_GIT_ALLOW_SCHEMES. */
  checkUrl(url: string): string {
    return checkUrl(url, this.options.allowedSchemes);
  }

  /** A real ref request (`git ls-remote`'s, over HTTP without git for http(s)): CONNECTED with the branch's (or HEAD's) commit, or why not. Never throws a GitError. */
  async testConnection(repo: RepoAccess, branch?: string): Promise<ConnectionResult> {
    this.checkUrl(repo.url);
    if (branch !== undefined) checkBranch(branch);
    try {
      const commit = await remoteTip(this.git(repo), branch);
      const message = `repository ${repo.id}: connected; ${branch ?? 'HEAD'} is at ${commit}`;
      return { status: 'CONNECTED', message, commit };
    } catch (err) {
      if (err instanceof GitError) return { status: err.status, message: err.message };
      throw err;
    }
  }

  /** Fetches the tip of `branch` (depth 1) into the repository's cache; a branch that moved backwards is followed. */
  async fetch(repo: RepoAccess, branch: string): Promise<{ commit: string }> {
    this.checkUrl(repo.url);
    checkBranch(branch);
    const git = this.git(repo);
    return this.cacheLock.run(repo.id, async () => ({ commit: await fetchBranch(git, branch) }));
  }

  /** The tree id of `dir` at `commit` (equal ids = identical contents), or null when dir does not exist. */
  async treeHash(repo: RepoAccess, commit: string, dir: string): Promise<string | null> {
    const path = normalizeDirectory(dir);
    const key = `${checkCommit(commit)}:${path}`;
    const known = this.trees.get(key);
    if (known !== undefined) return known;
    const listing = await listDirectory(this.git(repo), commit, path);
    this.trees.set(key, listing.tree);
    this.listings.set(key, listing);
    return listing.tree;
  }

  /** Streams the `*.yaml`/`*.yml` files under dir at commit; throws SourceFileError before reading if any is unsafe. */
  readManifestFiles(
    repo: RepoAccess,
    commit: string,
    dir: string,
    options: ReadOptions = {},
  ): AsyncIterable<ManifestFile> {
    const excludeDirs = (options.excludeDirs ?? []).map((d) => normalizeDirectory(d));
    const path = normalizeDirectory(dir);
    const listing = this.listings.get(`${checkCommit(commit)}:${path}`);
    return readManifests(this.git(repo), commit, path, { ...options, excludeDirs }, listing);
  }

  /** Commits `files` on top of baseCommit and pushes to targetBranch, never forcing; CONFLICT when the branch moved. */
  async commitAndPush(repo: RepoAccess, request: CommitRequest): Promise<{ commit: string }> {
    this.checkUrl(repo.url);
    const git = this.git(repo);
    return this.cacheLock.run(repo.id, () => commitAndPush(git, request));
  }

  /** Resolves a branch, tag or commit id and brings its commit into the cache without moving any tracked branch. */
  async fetchRef(repo: RepoAccess, ref: string): Promise<{ commit: string }> {
    this.checkUrl(repo.url);
    checkRef(ref);
    const git = this.git(repo);
    return this.cacheLock.run(repo.id, async () => ({ commit: await fetchRef(git, ref) }));
  }

  /** Brings `commit` (a full id) into the cache without moving any branch; false when the remote has no such commit. */
  async fetchCommit(repo: RepoAccess, commit: string): Promise<boolean> {
    this.checkUrl(repo.url);
    const git = this.git(repo);
    try {
      await this.cacheLock.run(repo.id, () => fetchCommit(git, checkCommit(commit)));
      return true;
    } catch (err) {
      if (err instanceof GitError && err.status === 'NOT_FOUND') return false;
      throw err;
    }
  }

  /** Commits the fabric directory as it was at an older commit on top of baseCommit, pushed like commitAndPush. */
  async restoreAndPush(repo: RepoAccess, request: RestoreRequest): Promise<{ commit: string }> {
    this.checkUrl(repo.url);
    const git = this.git(repo);
    const directory = normalizeDirectory(request.directory);
    const keepDirs = request.keepDirs.map((d) => normalizeDirectory(d));
    return this.cacheLock.run(repo.id, () => restoreAndPush(git, { ...request, directory, keepDirs }));
  }

  /** Deletes a repository's cache (the repository was removed); the next fetch starts cold. */
  async removeCache(repoId: string): Promise<void> {
    const path = cachePathFor(this.options.cacheDir, repoId);
    await this.cacheLock.run(repoId, () => rm(path, { recursive: true, force: true }));
  }

  private git(repo: RepoAccess): RepoGit {
    const redact = redactorFor(repo, this.options.redact);
    return new RepoGit(repo, { ...this.options, timeoutMs: this.timeoutMs, redact, agents: this.agents });
  }
}

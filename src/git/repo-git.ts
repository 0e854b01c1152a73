/**
 * git bound to one repository and its cache: local commands on the cache, and remote commands
 * whose failures become a classified, redacted GitError.
 */
import { createHash } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyFailure } from './classify.js';
import { GitError } from './git-error.js';
import { openGitEnv, withGitEnv } from './git-env.js';
import type { Redact } from './redact.js';
import { killGroup, runGit, startGit, type GitResult } from './run-git.js';
import type { RepoAccess } from './types.js';

export interface RepoGitOptions {
  readonly cacheDir: string;
  readonly timeoutMs: number;
  readonly knownHostsFile?: string;
  readonly redact: Redact;
  /** Told how long each command that talks to the remote took, and whether it worked. */
  readonly onRemoteCall?: (call: GitRemoteSample) => void;
  /** Keep-alive connections for the smart-HTTP ref requests, shared by every repository. */
  readonly agents?: HttpAgents;
}

export interface HttpAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

export interface GitRemoteSample {
  /** The git subcommand: ls-remote, fetch, push. */
  readonly command: string;
  readonly seconds: number;
  /** 'ok', or the GitError status (AUTH_FAILED, UNREACHABLE, …). */
  readonly outcome: string;
}

interface CallOptions {
  readonly cwd?: string;
  readonly input?: string | Buffer;
  /** Extra environment, e.g. GIT_INDEX_FILE or the author of a commit. */
  readonly env?: Readonly<Record<string, string>>;
}

const REMOTE_COMMANDS = new Set(['ls-remote', 'fetch', 'push', 'clone']);

/** Names the cache after the repository id, readable and collision-free. */
export function cachePathFor(cacheDir: string, repoId: string): string {
  const readable = repoId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const digest = createHash('sha256').update(repoId).digest('hex').slice(0, 12);
  return join(cacheDir, `${readable}-${digest}.git`);
}

export class RepoGit {
  readonly cachePath: string;

  constructor(
    readonly repo: RepoAccess,
    private readonly options: RepoGitOptions,
  ) {
    this.cachePath = cachePathFor(options.cacheDir, repo.id);
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  get redact(): Redact {
    return this.options.redact;
  }

  get agents(): HttpAgents | undefined {
    return this.options.agents;
  }

  /** Runs a command that talks to the remote; a failure throws a classified GitError. */
  remote(args: readonly string[], call: CallOptions = {}): Promise<GitResult> {
    const command = args.find((a) => REMOTE_COMMANDS.has(a)) ?? 'other';
    return this.observed(command, () => this.remoteUnobserved(args, call));
  }

  /** `remote` without telling onRemoteCall, for callers that observe a larger piece of work themselves. */
  async remoteUnobserved(args: readonly string[], call: CallOptions = {}): Promise<GitResult> {
    const result = await this.run(args, call, { credentials: true });
    if (result.code === 0) return result;
    const failure = classifyFailure(result.stderr, {
      timedOut: result.timedOut,
      timeoutMs: this.options.timeoutMs,
    });
    throw new GitError(failure.status, this.redact(`repository ${this.repo.id}: ${failure.message}`));
  }

  /** Runs work that talks to the remote as `command`, telling onRemoteCall how long it took and how it ended. */
  async observed<T>(command: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const observe = (outcome: string) =>
      this.options.onRemoteCall?.({ command, seconds: (performance.now() - started) / 1000, outcome });
    try {
      const value = await work();
      observe('ok');
      return value;
    } catch (err) {
      if (err instanceof GitError) observe(err.status);
      throw err;
    }
  }

  /** Runs a command on the cache; a failure means a corrupt cache or a bug, so it throws a plain Error. */
  async local(args: readonly string[], call: CallOptions = {}): Promise<GitResult> {
    const result = await this.run(args, { cwd: this.cachePath, ...call }, { credentials: false });
    if (result.code !== 0) throw this.localError(args, result);
    return result;
  }

  /**
   * Runs a command and returns whatever happened, for callers that read the exit code themselves.
   * Credentials (askpass values, key file) exist only for commands that talk to the remote.
   */
  run(
    args: readonly string[],
    { cwd, input, env = {} }: CallOptions,
    { credentials }: { credentials: boolean },
  ): Promise<GitResult> {
    return withGitEnv(this.repo, { ...this.options, credentials }, (base) =>
      runGit({ args, cwd, input, env: { ...base, ...env }, timeoutMs: this.options.timeoutMs }),
    );
  }

  /** Streams the stdout of a long-running command on the cache; stopping early kills it. */
  async *stdout(args: readonly string[], input?: string): AsyncGenerator<Buffer> {
    const { env, close } = await openGitEnv(this.repo, { ...this.options, credentials: false });
    const run = startGit({ args, env, cwd: this.cachePath, input, timeoutMs: this.options.timeoutMs });
    try {
      yield* run.child.stdout as AsyncIterable<Buffer>;
      const exit = await run.exited;
      if (exit.code !== 0) throw this.localError(args, exit);
    } finally {
      killGroup(run.child);
      await run.exited.catch(() => undefined); // the start error, if any, was already thrown by the stream
      await close();
    }
  }

  /** The id of the object `rev` names in the cache, or undefined when it names none. */
  async resolve(rev: string): Promise<string | undefined> {
    const args = ['rev-parse', '--verify', '--quiet', rev];
    const result = await this.run(args, { cwd: this.cachePath }, { credentials: false });
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  localError(
    args: readonly string[],
    result: { code: number | null; stderr: string; timedOut: boolean },
  ): Error {
    const why = result.timedOut ? `timed out after ${this.options.timeoutMs} ms` : result.stderr.trim();
    return new Error(this.redact(`repository ${this.repo.id}: git ${args[0]} failed in the cache: ${why}`));
  }

  async ensureCache(): Promise<void> {
    const exists = await access(join(this.cachePath, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (exists) return;
    await mkdir(this.options.cacheDir, { recursive: true });
    await this.local(['init', '--bare', '--quiet', this.cachePath], { cwd: this.options.cacheDir });
  }

  /**
   * Removes lock files a killed git left behind (a timeout kills with SIGKILL); otherwise every
   * later fetch fails with "shallow.lock: File exists". Only call while holding the cache's lock.
   */
  async clearStaleLocks(): Promise<void> {
    const entries = await readdir(this.cachePath, { recursive: true, withFileTypes: true });
    const locks = entries.filter((e) => e.isFile() && e.name.endsWith('.lock'));
    await Promise.all(locks.map((e) => rm(join(e.parentPath, e.name), { force: true })));
  }
}

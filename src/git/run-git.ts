/**
 * The one place that starts git processes. Each runs in its own process group so a timeout kills
 * git and every helper it started (ssh, remote-http), and with an environment built from scratch
 * so nothing of the machine (credential helpers, config, GIT_DIR) leaks in.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitProcessOptions {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs: number;
  /** Written to stdin, which is then closed. */
  readonly input?: string | Buffer;
}

export interface GitRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** Settles when the process exits: exit code (null when killed), stderr, whether the timeout fired. */
  readonly exited: Promise<GitExit>;
}

export interface GitExit {
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
}

const MAX_STDERR = 64 * 1024;

/** Options that harden every invocation; protocols that run commands are never allowed. */
const HARDENING_ARGS = [
  '-c',
  'credential.helper=',
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'protocol.fd.allow=never',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
] as const;

export function startGit({ args, env, cwd, timeoutMs, input }: GitProcessOptions): GitRun {
  const child = spawn('git', [...HARDENING_ARGS, ...args], { cwd, env, detached: true, stdio: 'pipe' });
  let stderr = '';
  let timedOut = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < MAX_STDERR) stderr += chunk;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, timeoutMs);
  const exited = new Promise<GitExit>((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start git: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
  // Marks the rejection as observed for Node; whoever awaits `exited` still receives it.
  exited.catch(() => undefined);
  // A reader that stops early closes stdin under git; the exit code reports that, not an EPIPE throw.
  child.stdin.on('error', () => undefined);
  if (input !== undefined) child.stdin.end(input);
  return { child, exited };
}

/** Kills the process group: git, its remote helpers and ssh. */
export function killGroup(child: ChildProcessWithoutNullStreams): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export interface GitResult extends GitExit {
  readonly stdout: Buffer;
}

/** Runs git to completion and collects stdout; the caller decides what a non-zero exit means. */
export async function runGit(options: GitProcessOptions): Promise<GitResult> {
  const run = startGit(options);
  const chunks: Buffer[] = [];
  run.child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exit = await run.exited;
  return { ...exit, stdout: Buffer.concat(chunks) };
}

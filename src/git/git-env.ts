/**
 * The environment every git process runs in, built from scratch per call: an empty HOME (no
 * machine config, credential helper or ssh keys), no prompts, literal pathspecs, and the
 * repository's credentials handed over through an askpass script that reads them from the
 * environment, or a temporary SSH key file. Nothing secret is ever written into argv, a URL or the cache's config, and the
 * temporary directory (0700) is removed when the call ends.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepoAccess } from './types.js';

const ASKPASS = `#!/bin/sh
case "$1" in
  Username*|username*) printf '%s\\n' "$GIT_FS_USERNAME" ;;
  *) printf '%s\\n' "$GIT_FS_PASSWORD" ;;
esac
`;

export interface EnvOptions {
  /** known_hosts for SSH host key checks; without it every SSH host is untrusted. */
  readonly knownHostsFile?: string;
  /** Hand over the repository's credentials; commands that only read the cache get none. */
  readonly credentials: boolean;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export interface GitEnv {
  readonly env: Record<string, string>;
  /** Removes the temporary directory (askpass script, key file). */
  readonly close: () => Promise<void>;
}

/** Creates a git environment for `repo`; the caller must close it. */
export async function openGitEnv(repo: RepoAccess, options: EnvOptions): Promise<GitEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'fabric-sync-git-'));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    await chmod(dir, 0o700);
    return { env: await buildEnv(dir, repo, options), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Runs `use` with a git environment for `repo`, then removes every temporary file. */
export async function withGitEnv<T>(
  repo: RepoAccess,
  options: EnvOptions,
  use: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  const { env, close } = await openGitEnv(repo, options);
  try {
    return await use(env);
  } finally {
    await close();
  }
}

async function buildEnv(dir: string, repo: RepoAccess, options: EnvOptions): Promise<Record<string, string>> {
  const home = join(dir, 'home');
  await mkdir(home, { mode: 0o700 });
  const base = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    LANG: 'C',
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    // Paths we pass (a fabric's directory) are names, never pathspec magic such as ":(glob)**".
    GIT_LITERAL_PATHSPECS: '1',
  };
  if (!options.credentials) return base;
  const askpass = join(dir, 'askpass.sh');
  await writeFile(askpass, ASKPASS, { mode: 0o700 });
  return {
    ...base,
    GIT_ASKPASS: askpass,
    GIT_SSH_COMMAND: await sshCommand(dir, repo, options),
    ...httpCredentials(repo),
  };
}

/** The user name and password git answers an HTTP challenge with; none for other kinds. */
export function httpLogin({ auth }: RepoAccess): { username: string; password: string } | undefined {
  if (auth.kind === 'TOKEN')
    return { username: auth.username || 'x-access-token', password: auth.secret ?? '' };
  if (auth.kind === 'BASIC') return { username: auth.username ?? '', password: auth.secret ?? '' };
  return undefined;
}

function httpCredentials(repo: RepoAccess): Record<string, string> {
  const login = httpLogin(repo);
  return { GIT_FS_USERNAME: login?.username ?? '', GIT_FS_PASSWORD: login?.password ?? '' };
}

async function sshCommand(dir: string, repo: RepoAccess, { knownHostsFile }: EnvOptions): Promise<string> {
  const hostKeys = repo.insecureIgnoreHostKey
    ? ['-o StrictHostKeyChecking=no', '-o UserKnownHostsFile=/dev/null']
    : ['-o StrictHostKeyChecking=yes', `-o UserKnownHostsFile=${quote(knownHostsFile ?? '/dev/null')}`];
  const identity =
    repo.auth.kind === 'SSH_KEY' && repo.auth.privateKey
      ? [`-i ${quote(await writeKey(dir, repo.auth.privateKey))}`]
      : ['-o IdentityFile=none'];
  // -F /dev/null: ssh reads ~/.ssh from the passwd entry, not $HOME, so its config and keys are shut out here.
  const base = ['ssh', '-F /dev/null', '-o BatchMode=yes', '-o IdentitiesOnly=yes', '-o IdentityAgent=none'];
  return [...base, '-o LogLevel=ERROR', ...identity, ...hostKeys].join(' ');
}

async function writeKey(dir: string, privateKey: string): Promise<string> {
  const file = join(dir, 'id_key');
  await writeFile(file, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
  return file;
}

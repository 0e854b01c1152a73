/**
 * A PostgreSQL left running on the data directory by an earlier fabric-sync process. Normally its
 * watchdog stops it within moments of that process's death (embedded-postgres.ts); if the watchdog
 * died first (the OOM killer, a kill -9 of its processes), the server is an orphan that keeps the data
 * directory locked, and the next start stops it. One whose watchdog lives belongs to a running
 * fabric-sync process: that one is left alone and the start refused.
 */
import { readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** argv[0] of the watchdog shell, which is how its process is recognised. */
export const WATCHDOG_NAME = 'fabric-sync-postgres-watchdog';

const POLL_MS = 25;
/** How long a watchdog whose owner just died takes to stop its server, at most. */
const OWNER_GRACE_MS = 5_000;
/** Fast shutdown first; PostgreSQL's immediate shutdown if that does not end it in time. */
const FAST_SHUTDOWN_MS = 10_000;

const isAlive = (pid: number) =>
  readlink(`/proc/${pid}/exe`).then(
    () => true,
    () => false,
  );

async function parentOf(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const ppid = /^PPid:\s*(\d+)$/m.exec(status)?.[1];
  return ppid === undefined ? undefined : Number(ppid);
}

/** The pid in `dataDir`'s postmaster.pid, if that process is alive and is a postgres of `dataDir`. */
export async function runningPostmaster(dataDir: string): Promise<number | undefined> {
  const pidFile = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const [exe, cwd, dir] = await Promise.all([
      readlink(`/proc/${pid}/exe`),
      readlink(`/proc/${pid}/cwd`),
      realpath(dataDir),
    ]);
    return path.basename(exe) === 'postgres' && cwd === dir ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the postmaster's parent is the watchdog of the process that started it (as opposed to init). */
export async function watchdogOf(pid: number): Promise<number | undefined> {
  const ppid = await parentOf(pid);
  if (ppid === undefined) return undefined;
  const cmdline = await readFile(`/proc/${ppid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0')[0] === WATCHDOG_NAME ? ppid : undefined;
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline; await sleep(POLL_MS))
    if (!(await isAlive(pid))) return true;
  return !(await isAlive(pid));
}

/** Stops an orphaned server of `dataDir`; refuses when a live fabric-sync process still owns it. */
export async function stopLeftoverPostmaster(dataDir: string): Promise<void> {
  const pid = await runningPostmaster(dataDir);
  if (pid === undefined) return;
  if ((await watchdogOf(pid)) !== undefined && !(await exited(pid, OWNER_GRACE_MS)))
    throw new Error(`the embedded PostgreSQL in ${dataDir} (pid ${pid}) belongs to another running process`);
  if (!(await isAlive(pid))) return;
  process.kill(pid, 'SIGINT');
  if (await exited(pid, FAST_SHUTDOWN_MS)) return;
  process.kill(pid, 'SIGQUIT');
  await exited(pid, FAST_SHUTDOWN_MS);
}

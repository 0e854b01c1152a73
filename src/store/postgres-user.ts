/**
 * PostgreSQL refuses to run as root. A root process (a container, CI) runs the embedded server as an
 * unprivileged system user instead: `postgres` when the machine has one, else `fabric-sync`, created
 * on first use with no home directory and no login shell. That user owns the data directory and must
 * be able to reach it.
 */
import { execFile } from 'node:child_process';
import { chmod, chown, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const EXISTING_USER = 'postgres';
const OWN_USER = 'fabric-sync';

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

async function lookUp(name: string): Promise<OsUser | undefined> {
  const { stdout } = await run('getent', ['passwd', name]).catch(() => ({ stdout: '' }));
  const [, , uid, gid] = stdout.trim().split(':');
  return uid && gid ? { name, uid: Number(uid), gid: Number(gid) } : undefined;
}

/** The user to run PostgreSQL as, or undefined when this process is not root (it runs as us). */
export async function postgresUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = (await lookUp(EXISTING_USER)) ?? (await lookUp(OWN_USER));
  if (existing) return existing;
  // Another process may create it at the same moment: whoever loses reads the winner's.
  const created = await run('useradd', [
    '--system',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    OWN_USER,
  ])
    .then(() => undefined)
    .catch((err: Error) => err);
  const user = await lookUp(OWN_USER);
  if (!user)
    throw new Error(`cannot create the system user ${OWN_USER} to run PostgreSQL: ${created?.message}`);
  return user;
}

function canSearch(info: { uid: number; gid: number; mode: number }, user: OsUser): boolean {
  if (info.uid === user.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}

/**
 * Hands `dir` to `user` and makes sure the user can reach it. Its parent is fabric-sync's data
 * directory, kept private to root: the user's group gets search (not read) permission on it, and
 * nobody else. Directories further up are the operator's: if they shut the user out, say so.
 */
export async function handOver(dir: string, user: OsUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  const parent = path.dirname(dir);
  const parentInfo = await stat(parent);
  if (!canSearch(parentInfo, user)) {
    await chown(parent, parentInfo.uid, user.gid);
    await chmod(parent, (parentInfo.mode & 0o7707) | 0o010);
  }
  for (let up = path.dirname(parent); ; up = path.dirname(up)) {
    if (!canSearch(await stat(up), user))
      throw new Error(
        `PostgreSQL runs as ${user.name}, which cannot enter ${up}: give it search permission there or put FABRIC_SYNC_DATA_DIR elsewhere`,
      );
    if (up === path.dirname(up)) return;
  }
}

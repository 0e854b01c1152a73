/**
 * The embedded PostgreSQL (src/store/embedded-postgres.ts): its data survives a restart, it is
 * reached through a unix socket in its data directory only, a stop leaves no process behind, and a
 * server left running by a process that was SIGKILLed does not keep the next start from working.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/store/embedded-postgres.js';
import { watchdogOf } from '../../src/store/leftover-postmaster.js';
import { createOrm } from '../../src/store/orm.js';
import { projectPath } from '../../src/project-root.js';

const started: EmbeddedPostgres[] = [];
const start = async (dataDir: string) => {
  const server = await startEmbeddedPostgres({ dataDir, maxConnections: 10 });
  started.push(server);
  return server;
};

async function query<T>(url: string, sql: string): Promise<T[]> {
  const orm = await createOrm({ clientUrl: url, poolSize: 1 });
  try {
    return await orm.em.getConnection().execute<T[]>(sql);
  } finally {
    await orm.close(true);
  }
}

/** Every process of `dataDir`: the watchdog and postmaster by their command line, backends by their cwd. */
async function processesOf(dataDir: string): Promise<number[]> {
  const byCommand = await promisify(execFile)('pgrep', ['-f', dataDir]).then(
    ({ stdout }) => stdout.split('\n').filter(Boolean).map(Number),
    () => [],
  );
  const byCwd: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd === dataDir) byCwd.push(Number(entry));
  }
  return [...new Set([...byCommand, ...byCwd])];
}

const childrenOf = (pid: number) =>
  promisify(execFile)('pgrep', ['-P', String(pid)]).then(
    ({ stdout }) => stdout.split('\n').filter(Boolean).map(Number),
    () => [],
  );

const isAlive = (pid: number) =>
  readlink(`/proc/${pid}/exe`).then(
    () => true,
    () => false,
  );

/** A node process that starts the embedded server on `dataDir`, reports its postmaster's pid, and stays. */
async function ownerProcess(dataDir: string) {
  const module = projectPath('src/store/embedded-postgres.ts');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});
       const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, maxConnections: 10 });
       console.log(pg.pid);
       setInterval(() => {}, 60_000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, postmaster: Number(line) };
}

async function sigkill(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
}

describe('the embedded PostgreSQL', () => {
  let root: string;
  let dataDir: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fs-embedded-'));
    dataDir = path.join(root, 'pg');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
    await rm(root, { recursive: true, force: true });
  });

  it('keeps its data in the data directory across a stop and a start', async () => {
    const first = await start(dataDir);
    await query(first.url, `create table kept (v text); insert into kept values ('still here')`);
    await first.stop();
    const second = await start(dataDir);
    expect(await query(second.url, 'select v from kept')).toEqual([{ v: 'still here' }]);
  });

  // PGlite, the embedded database before, served every connection on one session: under load one
  // query got another's reply ("bind message supplies 3 parameters, but prepared statement requires
  // 220") and a lock taken on one connection was also held by every other.
  it('gives each connection a session of its own: concurrent queries get their own replies, and locks exclude', async () => {
    const server = await start(dataDir);
    const orm = await createOrm({ clientUrl: server.url, poolSize: 8 });
    try {
      const connection = orm.em.getConnection();
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, id) => {
          const terms = (id % 9) + 1;
          const sql = `select ?::int as id, ${Array(terms).fill('?::int').join(' + ')} as terms
                       from generate_series(1, ${(id % 4) + 1})`;
          return connection.execute<{ id: number; terms: number }[]>(sql, [
            id,
            ...Array<number>(terms).fill(1),
          ]);
        }),
      );
      replies.forEach((rows, id) =>
        expect(rows).toEqual(Array((id % 4) + 1).fill({ id, terms: (id % 9) + 1 })),
      );
      const locks = new AdvisoryLocks(orm);
      const lease = await locks.tryAcquire('one owner');
      expect(lease).not.toBeNull();
      expect(await locks.tryAcquire('one owner')).toBeNull();
      await lease?.release();
    } finally {
      await orm.close(true);
    }
  });

  it('listens on a unix socket in its data directory and on no TCP address', async () => {
    const server = await start(dataDir);
    expect(decodeURIComponent(new URL(server.url).hostname)).toBe(dataDir);
    expect((await stat(path.join(dataDir, '.s.PGSQL.5432'))).isSocket()).toBe(true);
    const [settings] = await query<{ listen: string; address: string | null }>(
      server.url,
      `select current_setting('listen_addresses') as listen, inet_server_addr()::text as address`,
    );
    expect(settings).toEqual({ listen: '', address: null });
    // Only its owner may enter the directory, and so reach the socket: that is all `trust` trusts.
    const dir = await stat(dataDir);
    expect(dir.mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) {
      // Run as another user, which may pass through fabric-sync's private data dir but not list it.
      expect(dir.uid).not.toBe(0);
      const parent = await stat(root);
      expect({ mode: parent.mode & 0o777, gid: parent.gid }).toEqual({ mode: 0o710, gid: dir.gid });
    }
  });

  it('stops with no process of its data directory left', async () => {
    const server = await start(dataDir);
    expect(await processesOf(dataDir)).toContain(server.pid);
    await server.stop();
    expect(await processesOf(dataDir)).toEqual([]);
  });

  it('stops when the process that started it is SIGKILLed, and starts again on the same directory', async () => {
    const owner = await ownerProcess(dataDir);
    await sigkill(owner.child.pid!);
    // Its watchdog saw the pipe close: the server goes by itself, before anyone starts again.
    await expect.poll(() => isAlive(owner.postmaster), { timeout: 10_000 }).toBe(false);
    const server = await start(dataDir);
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('stops an orphaned server whose watchdog died with its owner, and starts', async () => {
    const owner = await ownerProcess(dataDir);
    const watchdog = await watchdogOf(owner.postmaster);
    expect(watchdog).toBeDefined();
    // The watchdog's pipe reader (a subshell) first, then the shell: once the shell is gone, node
    // closes the pipe, which a living reader would take as its owner's death and stop the server.
    const readers = (await childrenOf(watchdog!)).filter((pid) => pid !== owner.postmaster);
    expect(readers).toHaveLength(1);
    for (const pid of [...readers, watchdog!]) await sigkill(pid);
    await sigkill(owner.child.pid!);
    expect(await isAlive(owner.postmaster)).toBe(true);
    const server = await start(dataDir);
    expect(await isAlive(owner.postmaster)).toBe(false);
    expect(await query(server.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('refuses a data directory whose server belongs to a running process, and leaves that server be', async () => {
    const owner = await start(dataDir);
    await expect(start(dataDir)).rejects.toThrow(/belongs to another running process/);
    expect(await query(owner.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });
});

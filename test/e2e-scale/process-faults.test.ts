/**
 * Issue 10's PostgreSQL and process faults: the connection running PERSIST is killed with
 * pg_terminate_backend at its last statement (the database then holds the old commit's records or
 * the new one's, never a mix); a server process is SIGKILLed mid-apply and restarted (the stale
 * RUNNING operation is failed by the restart with a clear message and the next reconcile completes).
 * Both need a PostgreSQL server (backends to terminate; session locks across processes), as in CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import { formatRef } from '../../src/domain/kinds.js';
import { ResourceRecord } from '../../src/store/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import type { Manifest } from '../../src/domain/manifest.js';
import {
  clusterState,
  createFabric,
  differingKeys,
  gitState,
  operation,
  runOperation,
  startStack,
  GIT_USER,
  type Stack,
} from './support.js';
import { startFabricOperation } from '../support/fabric-setup.js';
import { followOperation } from '../support/subscriptions.js';
import { newIdentity, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startGitServer } from '../support/git-server.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { kubeApi } from '../sync/harness.js';

const DIR = 'fabrics/crash';
const manifests = generateFabric({ seed: 5, leafPairs: 1, serversPerPair: 16, vpcs: 3, peerings: 1 });
/** A commit that changes three servers and deletes three attachments. */
const changed = (): Manifest[] => {
  const servers = manifests.filter((m) => m.kind === 'Server').slice(0, 3);
  const deleted = new Set(manifests.filter((m) => m.kind === 'VPCAttachment').slice(0, 3));
  return manifests
    .filter((m) => !deleted.has(m))
    .map((m) => (servers.includes(m) ? { ...m, spec: { description: 'changed' } } : m));
};

describe('PostgreSQL connection killed during PERSIST', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  }, 120_000);
  afterAll(() => stack?.close());

  /** The fabric's records as the database holds them: key → canonical hash. */
  const databaseState = async (fabricId: string) => {
    const records = await stack.t.db.orm.em
      .fork()
      .find(ResourceRecord, { fabric: fromGlobalId(fabricId, 'Fabric', 'fabricId') });
    return new Map(records.map((r) => [formatRef(r), r.canonicalHash]));
  };

  it('the operation fails naming the cause; the records are the old commit’s; the next sync lands the new one', async () => {
    const repo = await stack.git.createRepo('persist', fabricFiles(manifests, { files: 10, dir: DIR }));
    const fabricId = await createFabric(stack.t, stack.kube, {
      name: 'persist',
      repo,
      directory: DIR,
    });
    expect((await runOperation(stack.t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
    const oldState = await gitState(repo, DIR);
    expect(differingKeys(await databaseState(fabricId), oldState)).toEqual([]);
    await repo.push(fabricFiles(changed(), { files: 10, dir: DIR }), 'change and delete');
    const newState = await gitState(repo, DIR);

    // Hold writers of `fabric` back, so PERSIST's transaction stops at its last statement.
    const knex = stack.t.db.orm.em.getKnex();
    const blocker = await knex.transaction();
    await blocker.raw('lock table fabric in share mode');
    const id = await startFabricOperation(stack.t, 'syncFabric', fabricId);
    let killed = 0;
    try {
      const deadline = Date.now() + 30_000;
      while (killed === 0 && Date.now() < deadline) {
        const { rows } = await knex.raw<{ rows: unknown[] }>(
          `select pg_terminate_backend(pid) from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock' and query like '%synced_commit%'`,
        );
        killed = rows.length;
        if (killed === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await blocker.rollback();
    }
    expect(killed).toBe(1);
    await followOperation(stack.t.url, stack.t.adminToken, id);
    const op = await operation(stack.t, id);
    expect(op.status).toBe('FAILED');
    expect(op.stages.find((s) => s.name === 'PERSIST')?.status).toBe('FAILED');
    expect(op.message).toMatch(/terminat/i);
    expect(differingKeys(await databaseState(fabricId), oldState)).toEqual([]);

    const again = await runOperation(stack.t, 'syncFabric', fabricId);
    expect(again.status, again.message ?? '').toBe('SUCCEEDED');
    expect(differingKeys(await databaseState(fabricId), newState)).toEqual([]);
  });
});

describe('server process SIGKILLed mid-apply', () => {
  let db: TestDatabase;
  let server: ServerProcess;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.close();
  });

  it('after a restart, the stale RUNNING operation is failed with a clear message and the next reconcile completes', async () => {
    const [database, git, kube] = await Promise.all([
      createTestDatabase(),
      startGitServer({ users: [GIT_USER] }),
      startKubeApiServer({ emulateFabricWebhooks: true }),
    ]);
    db = database;
    const id = newIdentity(db.url);
    try {
      const repo = await git.createRepo('crash', fabricFiles(manifests, { files: 10, dir: DIR }));
      server = await startServerProcess(id);
      const fabricId = await createFabric(server, kube, { name: 'crash', repo, directory: DIR });
      kube.faults.setLatency(100); // an apply long enough to be killed in its middle
      const orphanId = await startFabricOperation(server, 'reconcileFabric', fabricId);
      const next = () =>
        new Promise((resolve) => setTimeout(resolve, 20)).then(() => operation(server, orphanId));
      for (
        let op = await operation(server, orphanId);
        op.stages.find((s) => s.name === 'APPLY')?.status !== 'RUNNING';
        op = await next()
      )
        expect(op.status).toBe('RUNNING');
      await server.stop('SIGKILL');
      kube.faults.clear();

      server = await startServerProcess(id);
      // The restart itself fails the orphan: no session holds its fabric's lock any more.
      const orphan = await operation(server, orphanId);
      expect(orphan.status).toBe('FAILED');
      const nextId = await startFabricOperation(server, 'reconcileFabric', fabricId);
      expect(nextId).not.toBe(orphanId);
      const stale = await operation(server, orphanId);
      expect(stale.status).toBe('FAILED');
      expect(stale.message).toMatch(/the process running this operation stopped .*start it again/);
      await followOperation(server.url, id.adminToken, nextId);
      const done = await operation(server, nextId);
      expect(done.status, done.message ?? '').toBe('SUCCEEDED');
      expect(differingKeys(await clusterState(kubeApi(kube)), await gitState(repo, DIR))).toEqual([]);
      expect((await clusterState(kubeApi(kube))).size).toBe(manifests.length);
    } finally {
      await kube.close();
      await git.close();
    }
  }, 180_000);
});

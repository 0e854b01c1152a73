/**
 * SIGTERM while an apply waits on a cluster that has stopped answering (every request held for two
 * minutes): the server cancels the operation, stores it CANCELLED with the reason, and exits 0
 * within FABRIC_SYNC_SHUTDOWN_SECONDS (5 here). Before, it waited for the apply to finish, long past
 * the 30 s after which Kubernetes SIGKILLs a pod, and left the operation RUNNING.
 */
import { afterAll, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import { Operation } from '../../src/store/entities/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFabricOperation } from '../support/fabric-setup.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { startGitServer } from '../support/git-server.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { newIdentity, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createFabric, GIT_USER, operation } from './support.js';

const DIR = 'fabrics/sigterm';
const SHUTDOWN_SECONDS = 5;
const manifests = generateFabric({ seed: 9, leafPairs: 1, serversPerPair: 16, vpcs: 3, peerings: 1 });

let db: TestDatabase | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  await db?.close();
});

it(`SIGTERM mid-apply against a hung cluster exits 0 within ${SHUTDOWN_SECONDS} s with the operation CANCELLED`, async () => {
  const [database, git, kube] = await Promise.all([
    createTestDatabase(),
    startGitServer({ users: [GIT_USER] }),
    startKubeApiServer({ emulateFabricWebhooks: true }),
  ]);
  db = database;
  try {
    const repo = await git.createRepo('sigterm', fabricFiles(manifests, { files: 10, dir: DIR }));
    server = await startServerProcess(newIdentity(db.url), {
      FABRIC_SYNC_SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
    });
    const fabricId = await createFabric(server, kube, { name: 'sigterm', repo, directory: DIR });
    kube.faults.setLatency(100); // an apply long enough to catch in its middle
    const id = await startFabricOperation(server, 'reconcileFabric', fabricId);
    for (let op = await operation(server, id); ; op = await operation(server, id)) {
      expect(op.status).toBe('RUNNING');
      if (op.stages.find((s) => s.name === 'APPLY')?.status === 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    kube.faults.setLatency(120_000); // the cluster stops answering

    const child = server.process;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const sent = performance.now();
    child.kill('SIGTERM');
    const deadline = new Promise<'still running'>((resolve) =>
      setTimeout(() => resolve('still running'), 3 * SHUTDOWN_SECONDS * 1000),
    );
    const code = await Promise.race([exited, deadline]);
    const seconds = (performance.now() - sent) / 1000;
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(SHUTDOWN_SECONDS);

    const stored = await db.orm.em.fork().findOneOrFail(Operation, fromGlobalId(id, 'Operation', 'id'));
    expect(stored.status).toBe('CANCELLED');
    expect(stored.message).toMatch(/the server is shutting down \(SIGTERM\)/);
  } finally {
    kube.faults.clear();
    await kube.close();
    await git.close();
  }
}, 120_000);

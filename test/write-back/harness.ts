/**
 * The whole server in-process (real database, real operation runner) plus real repositories over
 * HTTP with basic auth, and a WriteBackService built from the same database, keys and event bus.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isTerminal } from '../../src/domain/states.js';
import { GitSource } from '../../src/git/git-source.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Vault } from '../../src/security/vault.js';
import { Operation, ResourceRecord } from '../../src/store/entities/index.js';
import { operationEnd } from '../../src/sync/operation-end.js';
import { WriteBackService } from '../../src/sync/write-back/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { git as gitCli } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { DIR, files } from './fabric-files.js';

const SYNC_TIMEOUT_MS = 60_000;
const USER = { username: 'writer-bot', password: 'write-back-password-42' };

export interface Harness {
  readonly t: TestApp;
  readonly server: GitServer;
  /** A service on a GitSource of its own, like another replica's. */
  service(git?: GitSource): WriteBackService;
  newGitSource(): GitSource;
  /** A repository holding the small fabric, a fabric reading it, synced once. */
  fabric(name: string): Promise<{ repo: TestRepo; fabricId: string }>;
  records(fabricId: string): Promise<ResourceRecord[]>;
  operationCount(fabricId: string): Promise<number>;
  /** Author line and message of a commit in the remote. */
  commitInfo(repo: TestRepo, commit: string): Promise<{ author: string; message: string; parents: string[] }>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const key = randomBytes(32).toString('hex');
  const [t, server, cacheRoot] = await Promise.all([
    startTestApp({ env: { FABRIC_SYNC_SECRET_KEYS: key } }),
    startGitServer({ users: [USER] }),
    mkdtemp(path.join(tmpdir(), 'write-back-cache-')),
  ]);
  const vault = new Vault(SecretBox.fromKeyList(key), new Redactor());
  let caches = 0;
  const newGitSource = () =>
    new GitSource({ cacheDir: path.join(cacheRoot, String(caches++)), allowedSchemes: ['http'] });
  const em = () => t.db.orm.em.fork();
  return {
    t,
    server,
    newGitSource,
    service: (git = newGitSource()) =>
      new WriteBackService({
        orm: t.db.orm,
        git,
        vault,
        operations: t.app.services.operations,
        events: t.app.services.events,
      }),
    async fabric(name) {
      const repo = await server.createRepo(name, files());
      const fabricId = await createFabric(t, name, repo);
      const op = await t.app.services.operations.start({ fabricId, type: 'GIT_SYNC' });
      const status = await finalStatus(t, op);
      if (status !== 'SUCCEEDED') throw new Error(`the first sync of ${name} ended ${status}`);
      return { repo, fabricId };
    },
    records: (fabricId) =>
      em().find(ResourceRecord, { fabric: fabricId }, { orderBy: { kind: 'asc', name: 'asc' } }),
    operationCount: (fabricId) => em().count(Operation, { fabric: fabricId }),
    async commitInfo(repo, commit) {
      const bare = path.join(server.root, `${repo.name}.git`);
      const out = await gitCli(bare, ['log', '-1', '--format=%an <%ae>%n%P%n%B', commit]);
      const [author = '', parents = '', ...message] = out.split('\n');
      return { author, parents: parents.split(' ').filter(Boolean), message: message.join('\n').trim() };
    },
    async close() {
      await t.close();
      await server.close();
      await rm(cacheRoot, { recursive: true, force: true });
    },
  };
}

/** The operation's final status, from its progress events. */
async function finalStatus(t: TestApp, started: Operation): Promise<string> {
  const deps = { orm: t.db.orm, events: t.app.services.events };
  const op = await operationEnd(deps, started, AbortSignal.timeout(SYNC_TIMEOUT_MS));
  if (isTerminal(op.status)) return op.status;
  const recent = t.logs.slice(-20).join('');
  throw new Error(
    `operation ${op.id}: no final status within ${SYNC_TIMEOUT_MS} ms; recent logs:\n${recent}`,
  );
}

/** Through the services the resolvers call, with the repository's own basic-auth credentials. */
async function createFabric(t: TestApp, name: string, repo: TestRepo): Promise<string> {
  const { repositories, fabrics } = t.app.services;
  const repository = await repositories.create({
    name: `${name}-repo`,
    url: repo.httpUrl,
    defaultBranch: repo.defaultBranch,
    auth: { kind: 'BASIC', username: USER.username, secret: USER.password },
  });
  return (await fabrics.create({ name, repositoryId: repository.id, directory: DIR })).id;
}

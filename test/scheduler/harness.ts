/**
 * The real OperationService on a fresh test database, with a tiny pipeline standing in for git sync:
 * the triggers (webhooks, scheduler) are under test, the pipeline is only a collaborator that can be
 * held open to show that a second trigger joins the running operation.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import type { OperationType } from '../../src/domain/states.js';
import { InProcessBus } from '../../src/events/index.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { generateKeyText } from '../../src/security/secret-keys.js';
import { SECRET_SLOTS, Vault } from '../../src/security/vault.js';
import { AdvisoryLocks } from '../../src/store/advisory-locks.js';
import { Fabric, GitRepository, Operation } from '../../src/store/entities/index.js';
import { OperationService, type Pipeline } from '../../src/sync/operation-service.js';
import { runOperation } from '../../src/sync/runner.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Counts runs; while `hold()` is in force every run waits, so the operation stays RUNNING. */
export class FakePipeline implements Pipeline {
  runs = 0;
  readonly fabricIds = new Set<string>();
  private readonly active = new Set<Promise<void>>();
  private gate: Promise<void> | null = null;
  private readonly started: ((fabricId: string) => void)[] = [];

  stageNames() {
    return ['FETCH'] as const;
  }

  async execute(...[op, options]: Parameters<Pipeline['execute']>): Promise<void> {
    this.runs += 1;
    this.fabricIds.add(op.fabricId);
    this.started.splice(0).forEach((notify) => notify(op.fabricId));
    const gate = this.gate;
    const fetch = async () => {
      await gate;
      return {};
    };
    const run = runOperation(op, [{ name: 'FETCH', run: fetch }], {}, options);
    this.active.add(run);
    await run.finally(() => this.active.delete(run));
  }

  /** Resolves once every run started so far has recorded its outcome. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  /** Resolves with the fabric id of the next run to start. */
  nextRun(): Promise<string> {
    return new Promise((resolve) => this.started.push(resolve));
  }

  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = null;
      release();
    };
  }
}

export interface Harness {
  readonly db: TestDatabase;
  readonly orm: MikroORM;
  readonly vault: Vault;
  readonly pipeline: FakePipeline;
  readonly log: pino.Logger;
  /** A second, independent service on the same database: what another replica would run. */
  createOperations(): OperationService;
  readonly operations: OperationService;
  createRepository(input?: { webhookSecret?: string; defaultBranch?: string }): Promise<GitRepository>;
  createFabric(input: {
    repository?: GitRepository;
    branch?: string;
    syncIntervalSeconds?: number;
  }): Promise<Fabric>;
  operationsOf(fabricId: string): Promise<Operation[]>;
  /** Every run finished and every service released its fabric (and so its lock). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(type: OperationType = 'GIT_SYNC'): Promise<Harness> {
  const db = await createTestDatabase();
  const { orm } = db;
  const redactor = new Redactor();
  const vault = new Vault(SecretBox.fromKeyList(generateKeyText()), redactor);
  const events = new InProcessBus();
  const log = pino({ level: 'silent' });
  const pipeline = new FakePipeline();
  const services: OperationService[] = [];
  const createOperations = () => {
    const service = new OperationService({
      orm,
      events,
      locks: new AdvisoryLocks(orm),
      log,
      redactor,
      pipelines: { [type]: pipeline },
    });
    services.push(service);
    return service;
  };
  const save = async <T extends object>(build: (em: EntityManager) => T) => {
    const em = orm.em.fork();
    const entity = build(em);
    em.persist(entity);
    await em.flush();
    return entity;
  };
  // Waits for what the tests observe: every run recorded its outcome and every service let go of its fabric.
  const settled = async () => {
    await pipeline.idle();
    const busy = () => services.some((s) => [...pipeline.fabricIds].some((id) => s.isRunning(id)));
    while (busy()) await new Promise((resolve) => setImmediate(resolve));
  };
  let count = 0;
  return {
    db,
    orm,
    vault,
    pipeline,
    log,
    createOperations,
    operations: createOperations(),
    createRepository: ({ webhookSecret, defaultBranch = 'main' } = {}) => {
      const id = randomUUID();
      const slot = SECRET_SLOTS.repositoryWebhookSecret(id);
      return save(() =>
        Object.assign(new GitRepository(), {
          id,
          name: `repo-${(count += 1)}`,
          url: `https://git.example/org/repo-${count}.git`,
          defaultBranch,
          webhookSecretCiphertext: webhookSecret ? vault.seal(webhookSecret, slot) : null,
        }),
      );
    },
    createFabric: ({ repository, branch, syncIntervalSeconds = 0 }) =>
      save((em) =>
        Object.assign(new Fabric(), {
          id: randomUUID(),
          name: `fabric-${(count += 1)}`,
          repository: repository ? em.getReference(GitRepository, repository.id, { wrapped: true }) : null,
          branch: branch ?? null,
          syncIntervalSeconds,
        }),
      ),
    operationsOf: (fabricId) =>
      orm.em.fork().find(Operation, { fabric: fabricId }, { orderBy: { createdAt: 'asc' } }),
    settled,
    async close() {
      await settled();
      await events.close();
      await db.close();
    },
  };
}

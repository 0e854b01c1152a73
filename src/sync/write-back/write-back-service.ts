/**
 * Write-back (issue 9): edits to a fabric's records become one commit in the fabric's repository;
 * the fabric's git sync then brings that commit into the database. Git stays the one way in: the
 * service never writes records itself, so nothing can loop.
 *
 * Steps: fetch the branch, check `expectedCommit`, read the directory at the tip, edit the files
 * that hold the objects, validate the whole result with the git sync's rules (an invalid change
 * never reaches Git), commit and push without force (a moved branch is CONFLICT with the current
 * commit), then, for the fabric's own branch, sync and wait for it (see follow-sync.ts).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { DomainError, conflict, notFound } from '../../domain/errors.js';
import { checkCommit } from '../../git/refs.js';
import { fabricSuspended } from '../../domain/suspension.js';
import type { ValidationIssue } from '../../domain/validate.js';
import type { EventBus } from '../../events/event-bus.js';
import type { GitSource } from '../../git/git-source.js';
import type { Vault } from '../../security/vault.js';
import { ResourceRecord } from '../../store/entities/index.js';
import { fabricTrackingBranch } from '../../store/fabric-placement.js';
import type { OperationService } from '../operation-service.js';
import { loadFabricSource, type FabricSource } from '../fabric-source.js';
import { syncCommit } from './follow-sync.js';
import { ManifestTree } from './manifest-tree.js';
import { applyPlanned, describeChange, planChanges, type PlannedChange } from './plan-changes.js';
import type { CommitAuthor, RecordChange, WriteOptions, WriteResult } from './types.js';

export interface WriteBackServiceOptions {
  readonly orm: MikroORM;
  readonly git: GitSource;
  readonly vault: Vault;
  readonly operations: OperationService;
  /** Progress of the git sync that follows a push. */
  readonly events: EventBus;
  /** How long `apply` waits for that sync before returning it still running. */
  readonly syncTimeoutMs?: number;
  /** Author of commits whose caller names none. */
  readonly defaultAuthor?: CommitAuthor;
}

export const DEFAULT_AUTHOR: CommitAuthor = { name: 'fabric-sync', email: 'fabric-sync@localhost' };

export class WriteBackService {
  private readonly syncTimeoutMs: number;
  private readonly defaultAuthor: CommitAuthor;

  constructor(private readonly options: WriteBackServiceOptions) {
    this.syncTimeoutMs = options.syncTimeoutMs ?? 30_000;
    this.defaultAuthor = options.defaultAuthor ?? DEFAULT_AUTHOR;
  }

  async apply(
    fabricId: string,
    changes: readonly RecordChange[],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const { orm, git, vault } = this.options;
    const em = orm.em.fork();
    const source = await loadFabricSource(em, vault, fabricId);
    const targetBranch = await writableBranch(em, source, options);
    const planned = await planChanges(em, fabricId, changes);
    const { commit: tip } = await git.fetch(source.access, source.branch);
    checkExpected(source.branch, tip, options.expectedCommit);
    const files = await this.edit(source, tip, planned);
    const { commit } = await git.commitAndPush(source.access, {
      branch: source.branch,
      baseCommit: tip,
      targetBranch,
      files,
      message: options.message ?? defaultMessage(source.fabric.name, planned),
      author: options.author ?? this.defaultAuthor,
    });
    return this.follow(fabricId, source.branch, { commit, targetBranch }, planned);
  }

  /**
   * One commit that puts the fabric's directory back as it was at `toCommit` (other fabrics'
   * directories, nested ones too, stay as they are); pushed and synced like any write-back.
   * History stays in Git: the revert is a new commit on top of the branch.
   */
  async revert(fabricId: string, toCommit: string, options: WriteOptions = {}): Promise<WriteResult> {
    const { orm, git, vault } = this.options;
    const em = orm.em.fork();
    const source = await loadFabricSource(em, vault, fabricId);
    const targetBranch = await writableBranch(em, source, options);
    checkCommit(toCommit, 'toCommit');
    const { commit: tip } = await git.fetch(source.access, source.branch);
    checkExpected(source.branch, tip, options.expectedCommit);
    if (!(await git.fetchCommit(source.access, toCommit))) throw notFound('commit', toCommit);
    if ((await git.treeHash(source.access, toCommit, source.directory)) === null)
      throw new DomainError(
        'BAD_USER_INPUT',
        `toCommit: directory "${source.directory}" does not exist at ${toCommit}`,
        { field: 'toCommit' },
      );
    const { commit } = await git.restoreAndPush(source.access, {
      branch: source.branch,
      baseCommit: tip,
      targetBranch,
      fromCommit: toCommit,
      directory: source.directory,
      keepDirs: source.excludeDirs,
      message:
        options.message ?? `fabric-sync: revert fabric ${source.fabric.name} to ${toCommit.slice(0, 12)}`,
      author: options.author ?? this.defaultAuthor,
    });
    return this.follow(fabricId, source.branch, { commit, targetBranch }, []);
  }

  /** After a push: the fabric's own branch is synced (and waited for); a review branch is not. */
  private async follow(
    fabricId: string,
    fabricBranch: string,
    { commit, targetBranch }: { commit: string; targetBranch: string },
    planned: readonly PlannedChange[],
  ): Promise<WriteResult> {
    // Taken after the push returned: an operation created later must read this commit or a newer one.
    const pushedAt = new Date();
    if (targetBranch !== fabricBranch) {
      return { commit, branch: targetBranch, records: planned.map(() => null), operation: null };
    }
    const operation = await syncCommit(this.options, {
      fabricId,
      commit,
      pushedAt,
      timeoutMs: this.syncTimeoutMs,
    });
    const records =
      operation.status === 'SUCCEEDED' ? await this.recordsOf(fabricId, planned) : planned.map(() => null);
    return { commit, branch: targetBranch, records, operation };
  }

  /** The changed files, once the whole resulting directory passes validation. */
  private async edit(source: FabricSource, tip: string, planned: readonly PlannedChange[]) {
    const read = this.options.git.readManifestFiles(source.access, tip, source.directory, {
      excludeDirs: source.excludeDirs,
    });
    const files = [];
    for await (const file of read) files.push(file);
    const tree = new ManifestTree(source.directory, tip, files);
    for (const change of planned) applyPlanned(tree, change);
    const issues = tree.validate();
    if (issues.length > 0) throw invalidChange(issues);
    return tree.changes();
  }

  private async recordsOf(
    fabricId: string,
    planned: readonly PlannedChange[],
  ): Promise<(ResourceRecord | null)[]> {
    const wanted = planned.filter((c) => c.action !== 'DELETE').map((c) => c.ref);
    const found = wanted.length
      ? await this.options.orm.em
          .fork()
          .find(ResourceRecord, { fabric: fabricId, $or: wanted.map((ref) => ({ ...ref })) })
      : [];
    const find = ({ kind, namespace, name }: PlannedChange['ref']) =>
      found.find((r) => r.kind === kind && r.namespace === namespace && r.name === name) ?? null;
    return planned.map((c) => (c.action === 'DELETE' ? null : find(c.ref)));
  }
}

/** Where the write goes: the fabric's branch (not while it is suspended) or a review branch. */
async function writableBranch(em: EntityManager, source: FabricSource, options: WriteOptions) {
  const targetBranch = options.branch ?? source.branch;
  if (targetBranch !== source.branch) await refuseTrackedBranch(em, source, targetBranch);
  // A suspended fabric's sync would be refused after the push: refuse before writing instead.
  if (targetBranch === source.branch && source.fabric.suspended)
    throw fabricSuspended(source.fabric.name, 'GIT_SYNC', source.fabric.suspendedReason);
  return targetBranch;
}

/**
 * A review branch another fabric tracks is that fabric's desired state: a push there would reach
 * its cluster at its next reconcile, unreviewed. The other fabric is not named (the caller may not
 * read it).
 */
async function refuseTrackedBranch(em: EntityManager, source: FabricSource, branch: string): Promise<void> {
  const tracker = await fabricTrackingBranch(em, {
    repositoryId: source.access.id,
    branch,
    exceptFabricId: source.fabric.id,
  });
  if (tracker)
    throw conflict(
      `branch "${branch}" is tracked by another fabric of this repository; choose another review branch`,
      {
        field: 'options.branch',
      },
    );
}

/** Optimistic concurrency: the caller saw `expected`; a branch that moved since is a CONFLICT. */
function checkExpected(branch: string, tip: string, expected: string | undefined): void {
  if (expected === undefined || expected === tip) return;
  throw conflict(`branch "${branch}" is at ${tip}, not at the expected ${expected}`, { currentCommit: tip });
}

function defaultMessage(fabricName: string, planned: readonly PlannedChange[]): string {
  const lines = planned.map(describeChange);
  if (lines.length === 1) return `fabric-sync: ${lines[0]}`;
  return `fabric-sync: ${lines.length} changes to fabric ${fabricName}\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
}

const describeIssue = ({ file, line, kind, name, field, message }: ValidationIssue): string =>
  [
    file && `${file}${line ? `:${line}` : ''}`,
    kind && name && `${kind}/${name}`,
    field && `${field}:`,
    message,
  ]
    .filter(Boolean)
    .join(' ');

/** BAD_USER_INPUT naming every issue; `details.issues` keeps them structured for the API. */
function invalidChange(issues: readonly ValidationIssue[]): DomainError {
  const listed = issues.map(describeIssue).join('; ');
  return new DomainError(
    'BAD_USER_INPUT',
    `the change would leave ${issues.length} invalid object(s), so nothing was pushed: ${listed}`,
    {
      field: 'changes',
      issues,
    },
  );
}

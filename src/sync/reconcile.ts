/**
 * RECONCILE (architecture §6): git sync, then apply when the fabric auto-applies, then a drift
 * check, as one operation. Built from the three pipelines' own stages: each part keeps its
 * context, and an unchanged Git tree ends only the git part, never the apply and drift parts.
 */
import type { ApplyContext, ApplyDeps } from './apply/context.js';
import { APPLY_STAGES } from './apply/pipeline.js';
import type { DriftContext, DriftDeps } from './drift/context.js';
import { DRIFT_STAGES } from './drift/pipeline.js';
import type { GitSyncContext, GitSyncDeps } from './git-sync/context.js';
import { GIT_SYNC_STAGES } from './git-sync/pipeline.js';
import type { Pipeline } from './operation-service.js';
import { stagedPipeline } from './runner.js';
import type { Stage } from './stage.js';

export type ReconcileDeps = GitSyncDeps & ApplyDeps & DriftDeps;

interface ReconcileContext {
  readonly git: GitSyncContext;
  readonly apply: ApplyContext;
  readonly drift: DriftContext;
  /** Why the rest of the git part has nothing to do (FETCH found the directory unchanged). */
  gitDone?: string;
}

/** Runs a part's stage on its own context; `idle` names why it has nothing to do this time. */
const part = <P>(
  stages: readonly Stage<P>[],
  pick: (ctx: ReconcileContext) => P,
  idle: (ctx: ReconcileContext) => string | undefined,
): Stage<ReconcileContext>[] =>
  stages.map((stage) => ({
    name: stage.name,
    run: async (ctx, signal) => {
      const reason = idle(ctx);
      if (reason) return { message: reason };
      const { finishEarly, ...result } = await stage.run(pick(ctx), signal);
      if (finishEarly) ctx.gitDone = result.message ?? 'nothing changed in Git';
      return result;
    },
  }));

const RECONCILE_STAGES: readonly Stage<ReconcileContext>[] = [
  ...part(
    GIT_SYNC_STAGES,
    (ctx) => ctx.git,
    (ctx) => ctx.gitDone,
  ),
  ...part(
    APPLY_STAGES,
    (ctx) => ctx.apply,
    (ctx) => (ctx.git.fabric?.autoApply ? undefined : 'auto-apply is off for this fabric'),
  ),
  ...part(
    DRIFT_STAGES,
    (ctx) => ctx.drift,
    () => undefined,
  ),
];

export const reconcilePipeline = (deps: ReconcileDeps): Pipeline =>
  stagedPipeline(RECONCILE_STAGES, (op) => ({ git: { deps, op }, apply: { deps, op }, drift: { deps, op } }));

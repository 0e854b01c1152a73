/**
 * SELF_HEAL: PLAN (the records the watch saw drift, minus fights) → APPLY (the apply pipeline's own
 * stage) → LIST → COMPARE (the drift check's own stages), so a heal ends with a drift report and the
 * fabric's sync status measured again. Never prunes: an object nobody desires is the drift report's
 * to show, not the watch's to delete.
 */
import { applyObjects } from '../apply/apply-objects.js';
import type { ApplyContext } from '../apply/context.js';
import type { DriftContext, DriftDeps } from '../drift/context.js';
import { DRIFT_STAGES } from '../drift/pipeline.js';
import type { Pipeline } from '../operation-service.js';
import { stagedPipeline } from '../runner.js';
import type { Stage } from '../stage.js';
import type { HealHistory } from './heal-history.js';
import { planHeal } from './plan-heal.js';

interface HealContext {
  readonly apply: ApplyContext;
  readonly drift: DriftContext;
}

const on = <P>(stage: Stage<P>, pick: (ctx: HealContext) => P): Stage<HealContext> => ({
  name: stage.name,
  run: (ctx, signal) => stage.run(pick(ctx), signal),
});

export function selfHealPipeline(deps: DriftDeps, history: HealHistory): Pipeline {
  const stages: Stage<HealContext>[] = [
    { name: 'PLAN', run: (ctx, signal) => planHeal(ctx.apply, history, signal) },
    on({ name: 'APPLY', run: applyObjects }, (ctx) => ctx.apply),
    ...DRIFT_STAGES.map((stage) => on(stage, (ctx) => ctx.drift)),
  ];
  return stagedPipeline(stages, (op) => ({ apply: { deps, op }, drift: { deps, op } }));
}

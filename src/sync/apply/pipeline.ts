/** The apply pipeline (architecture §6): PLAN → APPLY → PRUNE. */
import type { Pipeline } from '../operation-service.js';
import { stagedPipeline } from '../runner.js';
import type { Stage } from '../stage.js';
import { applyObjects } from './apply-objects.js';
import type { ApplyContext, ApplyDeps } from './context.js';
import { planApply } from './plan.js';
import { pruneObjects } from './prune.js';

export const APPLY_STAGES: readonly Stage<ApplyContext>[] = [
  { name: 'PLAN', run: planApply },
  { name: 'APPLY', run: applyObjects },
  { name: 'PRUNE', run: pruneObjects },
];

export const applyPipeline = (deps: ApplyDeps): Pipeline =>
  stagedPipeline(APPLY_STAGES, (op) => ({ deps, op }));

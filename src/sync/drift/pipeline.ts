/** The drift check pipeline (architecture §6): LIST → COMPARE. */
import type { Pipeline } from '../operation-service.js';
import { runOperation } from '../runner.js';
import type { Stage } from '../stage.js';
import { compareDrift } from './compare.js';
import type { DriftContext, DriftDeps } from './context.js';
import { listObjects } from './list.js';

export const DRIFT_STAGES: readonly Stage<DriftContext>[] = [
  { name: 'LIST', run: listObjects },
  { name: 'COMPARE', run: compareDrift },
];

export function driftPipeline(deps: DriftDeps): Pipeline {
  return {
    stageNames: () => DRIFT_STAGES.map((s) => s.name),
    execute: (op, options) => runOperation(op, DRIFT_STAGES, { deps, op }, options),
  };
}

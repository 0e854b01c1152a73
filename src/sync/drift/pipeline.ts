/** The drift check pipeline (architecture §6): LIST → COMPARE. */
import type { Pipeline } from '../operation-service.js';
import { stagedPipeline } from '../runner.js';
import type { Stage } from '../stage.js';
import { compareDrift } from './compare.js';
import type { DriftContext, DriftDeps } from './context.js';
import { listObjects } from './list.js';

export const DRIFT_STAGES: readonly Stage<DriftContext>[] = [
  { name: 'LIST', run: listObjects },
  { name: 'COMPARE', run: compareDrift },
];

export const driftPipeline = (deps: DriftDeps): Pipeline =>
  stagedPipeline(DRIFT_STAGES, (op) => ({ deps, op }));

/** The git sync pipeline (architecture §6): FETCH → PARSE → VALIDATE → PERSIST. */
import type { Pipeline } from '../operation-service.js';
import { stagedPipeline } from '../runner.js';
import type { Stage } from '../stage.js';
import type { GitSyncContext, GitSyncDeps } from './context.js';
import { fetchSource } from './fetch.js';
import { parseFiles } from './parse.js';
import { persistRecords } from './persist.js';
import { validateObjects } from './validate.js';

export const GIT_SYNC_STAGES: readonly Stage<GitSyncContext>[] = [
  { name: 'FETCH', run: fetchSource },
  { name: 'PARSE', run: parseFiles },
  { name: 'VALIDATE', run: validateObjects },
  { name: 'PERSIST', run: persistRecords },
];

export const gitSyncPipeline = (deps: GitSyncDeps): Pipeline =>
  stagedPipeline(GIT_SYNC_STAGES, (op) => ({ deps, op }));

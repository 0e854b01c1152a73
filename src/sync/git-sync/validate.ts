/** VALIDATE: the whole desired set against the kind schemas, webhook rules and cross-references. */
import { Pacer } from '../pacer.js';
import { OperationFailure, required, type StageResult } from '../stage.js';
import type { GitSyncContext } from './context.js';

export async function validateObjects(ctx: GitSyncContext): Promise<StageResult> {
  const manifests = required(ctx.manifests, 'manifests');
  const fabric = required(ctx.fabric, 'fabric');
  // The fabric's own validator (parse-cache.ts): a one-file commit re-checks that file's objects and
  // the set rules whose inputs changed.
  // Paced: a cold set of 100,000 objects takes seconds the API must not wait for.
  const issues = await new Pacer().run(ctx.deps.parseCache.validatorOf(fabric.id).validateSteps(manifests));
  if (issues.length > 0)
    throw new OperationFailure(
      `${issues.length} invalid object(s); the database keeps the previous state`,
      issues,
    );
  return { counts: { objects: manifests.length } };
}

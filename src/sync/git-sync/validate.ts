/** VALIDATE: the whole desired set against the kind schemas, webhook rules and cross-references. */
import { OperationFailure, required, type StageResult } from '../stage.js';
import type { GitSyncContext } from './context.js';

export async function validateObjects(ctx: GitSyncContext): Promise<StageResult> {
  const manifests = required(ctx.manifests, 'manifests');
  const fabric = required(ctx.fabric, 'fabric');
  // The fabric's own validator (parse-cache.ts): a one-file commit re-checks that file's objects and
  // the set rules whose inputs changed.
  const issues = ctx.deps.parseCache.validatorOf(fabric.id).validate(manifests);
  if (issues.length > 0)
    throw new OperationFailure(
      `${issues.length} invalid object(s); the database keeps the previous state`,
      issues.map((issue) => ({ ...issue })),
    );
  return { counts: { objects: manifests.length } };
}

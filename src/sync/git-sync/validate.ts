/** VALIDATE: the whole desired set against the kind schemas, webhook rules and cross-references. */
import { Validator } from '../../domain/validate.js';
import { OperationFailure, required, type StageResult } from '../stage.js';
import type { GitSyncContext } from './context.js';

/**
 * One validator for the process: it remembers each parsed object's own checks while the parse
 * cache keeps the object, so a one-file commit re-checks that file's objects and the set rules only.
 */
const validator = new Validator();

export async function validateObjects(ctx: GitSyncContext): Promise<StageResult> {
  const manifests = required(ctx.manifests, 'manifests');
  const issues = validator.validate(manifests);
  if (issues.length > 0)
    throw new OperationFailure(
      `${issues.length} invalid object(s); the database keeps the previous state`,
      issues.map((issue) => ({ ...issue })),
    );
  return { counts: { objects: manifests.length } };
}

/** VALIDATE: the whole desired set against the kind schemas, webhook rules and cross-references. */
import { validateManifests } from '../../domain/validate.js';
import { OperationFailure, type StageResult } from '../stage.js';
import { required, type GitSyncContext } from './context.js';

export async function validateObjects(ctx: GitSyncContext): Promise<StageResult> {
  const manifests = required(ctx.manifests, 'manifests');
  const issues = validateManifests(manifests);
  if (issues.length > 0)
    throw new OperationFailure(
      `${issues.length} invalid object(s); the database keeps the previous state`,
      issues.map((issue) => ({ ...issue })),
    );
  return { counts: { objects: manifests.length } };
}

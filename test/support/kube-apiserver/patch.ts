/** PATCH of an object or its /status: merge patch, JSON patch, or server-side apply (contract §3.5). */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { decodeJson, mediaTypeOf, unsupportedMediaType } from './call.js';
import { applyPatch } from './apply.js';
import { PatchError, applyJsonPatch, mergePatch } from './json-patch.js';
import { checkRv, existingOf, persistUpdate } from './replace.js';
import { fieldValidationOf, pruneForWrite } from './schema-step.js';
import { ApiError, badRequest, nameMismatch } from './status.js';
import type { KubeObject } from './types.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
export const APPLY = 'application/apply-patch+yaml';

const forceForbidden = () =>
  new ApiError(
    422,
    'Invalid',
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    {
      group: 'meta.k8s.io',
      kind: 'PatchOptions',
      causes: [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
          field: 'force',
        },
      ],
    },
  );

function patched(call: ApiCall, existing: KubeObject, contentType: string): KubeObject {
  const body = decodeJson(call);
  try {
    const result = contentType === MERGE ? mergePatch(existing, body) : applyJsonPatch(existing, body);
    if (typeof result !== 'object' || result === null || Array.isArray(result))
      throw badRequest('patch result is not an object');
    return result as KubeObject;
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    if (err.malformed) throw badRequest(err.message);
    // The real server wraps every jsonpatch Apply error alike: NewGenericServerResponse(422, ...).
    throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: err.message }],
    });
  }
}

export function patch(b: Backend, call: ApiCall): Reply {
  const contentType = mediaTypeOf(call, '');
  if (contentType === APPLY) return applyPatch(b, call);
  if (contentType !== MERGE && contentType !== JSON_PATCH)
    throw unsupportedMediaType([JSON_PATCH, MERGE, APPLY]);
  if (call.query.has('force')) throw forceForbidden();
  const existing = existingOf(b, call);
  const next = patched(call, existing, contentType);
  checkRv(call, existing, next.metadata?.resourceVersion);
  if (
    next.metadata?.name !== existing.metadata?.name ||
    next.metadata?.namespace !== existing.metadata?.namespace
  ) {
    throw nameMismatch(next.metadata?.name, call.name);
  }
  const { object, warnings } = pruneForWrite(call.type, next, fieldValidationOf(call.query));
  return { status: 200, body: persistUpdate(b, call, existing, object), warnings };
}

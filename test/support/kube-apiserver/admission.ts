/**
 * Admission hooks tests register per kind, run like webhooks: mutating hooks after defaulting,
 * validating hooks after schema validation. A denial becomes a 422 or 403 Status.
 */
import { ApiError } from './status.js';
import type { KubeObject } from './types.js';

export interface AdmissionRequest {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly kind: string;
  readonly object: KubeObject;
  readonly oldObject?: KubeObject;
  readonly subresource?: string;
  readonly dryRun: boolean;
}

export interface AdmissionDenial {
  readonly code: 403 | 422;
  readonly message: string;
  readonly field?: string;
}

/** Returns the object to store (or undefined to keep it); must not mutate its input. */
export type MutatingHook = (request: AdmissionRequest) => KubeObject | undefined;
/** Returns a denial, or undefined to admit. */
export type ValidatingHook = (request: AdmissionRequest) => AdmissionDenial | undefined;

interface Registered<H> {
  readonly name: string;
  readonly kind: string;
  readonly hook: H;
}

export class AdmissionHooks {
  private mutators: Registered<MutatingHook>[] = [];
  private validators: Registered<ValidatingHook>[] = [];

  /** Registers a mutating hook for `kind` ('*' for all); returns a function that removes it. */
  addMutating(kind: string, hook: MutatingHook, name = `mutate-${kind.toLowerCase()}`): () => void {
    const entry = { name, kind, hook };
    this.mutators.push(entry);
    return () => (this.mutators = this.mutators.filter((m) => m !== entry));
  }

  addValidating(kind: string, hook: ValidatingHook, name = `validate-${kind.toLowerCase()}`): () => void {
    const entry = { name, kind, hook };
    this.validators.push(entry);
    return () => (this.validators = this.validators.filter((v) => v !== entry));
  }

  clear(): void {
    this.mutators = [];
    this.validators = [];
  }

  mutate(request: AdmissionRequest): KubeObject {
    let object = request.object;
    for (const m of this.mutators) {
      if (m.kind === request.kind || m.kind === '*') object = m.hook({ ...request, object }) ?? object;
    }
    return object;
  }

  validate(request: AdmissionRequest): void {
    for (const v of this.validators) {
      if (v.kind !== request.kind && v.kind !== '*') continue;
      const denial = v.hook(request);
      if (denial) throw denialError(v.name, request, denial);
    }
  }
}

function denialError(hookName: string, request: AdmissionRequest, denial: AdmissionDenial): ApiError {
  const message = `admission webhook "${hookName}" denied the request: ${denial.message}`;
  const name = request.object.metadata?.name ?? '';
  if (denial.code === 403) return new ApiError(403, 'Forbidden', message, { name, kind: request.kind });
  const causes = [
    {
      reason: 'FieldValueInvalid',
      message: denial.message,
      ...(denial.field ? { field: denial.field } : {}),
    },
  ];
  return new ApiError(422, 'Invalid', message, { name, kind: request.kind, causes });
}

/**
 * Registers the emulated Hedgehog fabric mutating webhooks (spec defaults and label derivation)
 * as admission hooks. SwitchGroup has no webhook in the fabric, so it gets none here either.
 */
import { KINDS, SUPPORTING_KINDS } from '../../../src/domain/kinds.js';
import type { AdmissionHooks } from './admission.js';
import { fabricLabels } from './fabric-labels.js';
import { SPEC_DEFAULTS } from './fabric-spec-defaults.js';
import type { KubeObject } from './types.js';

/** Every Hedgehog kind the domain registry knows except SwitchGroup. */
const FABRIC_KINDS: readonly string[] = [...KINDS, ...SUPPORTING_KINDS]
  .map((k) => k.kind)
  .filter((kind) => kind !== 'SwitchGroup');

/** The object as the fabric's mutating webhook would return it; `object` is not mutated. */
export function emulateFabricWebhook(object: KubeObject): KubeObject {
  const kind = object.kind ?? '';
  if (!FABRIC_KINDS.includes(kind)) return object;
  const given = object['spec'];
  // Only spec is edited in place, so only spec is copied; metadata is rebuilt below.
  const spec =
    typeof given === 'object' && given !== null ? structuredClone(given as Record<string, unknown>) : {};
  SPEC_DEFAULTS[kind]?.(spec);
  const labels = fabricLabels(kind, object.metadata?.labels, spec);
  const metadata = { ...object.metadata };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  return { ...object, ...(kind === 'Server' || given !== undefined ? { spec } : {}), metadata };
}

/** Adds the emulation to `hooks`; returns the functions that remove it. */
export function registerFabricWebhooks(hooks: AdmissionHooks): (() => void)[] {
  return FABRIC_KINDS.map((kind) =>
    hooks.addMutating(
      kind,
      ({ object }) => emulateFabricWebhook(object),
      `${kind.toLowerCase()}.fabric.githedgehog.com`,
    ),
  );
}

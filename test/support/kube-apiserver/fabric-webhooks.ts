/**
 * Registers the emulated Hedgehog fabric webhooks as admission hooks. The spec defaults are the
 * domain's own admission model (src/domain/rules/admission.ts: the fabric's defaults, then Go's
 * zero-value serialisation), so this server and the offline validator are one model; the labels
 * (fabric-labels.ts) are derived here. SwitchGroup and ServerProfile have no webhook in the fabric.
 */
import type { Manifest } from '../../../src/domain/manifest.js';
import { MUTATING_WEBHOOK_KINDS, webhookMutation } from '../../../src/domain/rules/admission.js';
import type { AdmissionHooks } from './admission.js';
import { fabricLabels } from './fabric-labels.js';
import type { KubeObject } from './types.js';

/** The object as the fabric's mutating webhook would return it; `object` is not mutated. */
export function emulateFabricWebhook(object: KubeObject): KubeObject {
  const kind = object.kind ?? '';
  if (!MUTATING_WEBHOOK_KINDS.has(kind)) return object;
  const { spec } = webhookMutation(object as Manifest);
  const labels = fabricLabels(kind, object.metadata?.labels, spec ?? {});
  const metadata = { ...object.metadata };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  return { ...object, spec, metadata };
}

/** Adds the emulation to `hooks`; returns the functions that remove it. */
export function registerFabricWebhooks(hooks: AdmissionHooks): (() => void)[] {
  return [...MUTATING_WEBHOOK_KINDS].map((kind) =>
    hooks.addMutating(
      kind,
      ({ object }) => emulateFabricWebhook(object),
      `${kind.toLowerCase()}.fabric.githedgehog.com`,
    ),
  );
}

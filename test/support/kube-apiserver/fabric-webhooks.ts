/**
 * Registers the emulated Hedgehog fabric mutating webhooks (spec defaults and label derivation)
 * as admission hooks. SwitchGroup has no webhook in the fabric, so it gets none here either.
 */
import type { AdmissionHooks } from './admission.js';
import { fabricLabels } from './fabric-labels.js';
import { SPEC_DEFAULTS } from './fabric-spec-defaults.js';
import type { KubeObject } from './types.js';

const FABRIC_KINDS = [
  'VPC',
  'VPCAttachment',
  'VPCPeering',
  'IPv4Namespace',
  'External',
  'ExternalAttachment',
  'ExternalPeering',
  'Connection',
  'Switch',
  'Server',
  'VLANNamespace',
  'SwitchProfile',
  'ServerProfile',
];

/** The object as the fabric's mutating webhook would return it. */
export function emulateFabricWebhook(object: KubeObject): KubeObject {
  const kind = object.kind ?? '';
  if (!FABRIC_KINDS.includes(kind)) return object;
  const copy = structuredClone(object);
  const spec =
    typeof copy['spec'] === 'object' && copy['spec'] !== null
      ? (copy['spec'] as Record<string, unknown>)
      : {};
  if (kind === 'Server' || copy['spec'] !== undefined) copy['spec'] = spec;
  SPEC_DEFAULTS[kind]?.(spec);
  const labels = fabricLabels(kind, copy.metadata?.labels, spec);
  const metadata = { ...copy.metadata };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  return { ...copy, metadata };
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

/**
 * Which objects fabric-sync owns, per fabric. Never under `fabric.githedgehog.com/`: the fabric's
 * webhook deletes every such label (REFERENCE §1.4).
 */
import type { Manifest } from '../domain/manifest.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'fabric-sync';
export const FABRIC_LABEL = 'fabric-sync.io/fabric';

const ownershipLabels = (fabricName: string): Record<string, string> => ({
  [MANAGED_BY_LABEL]: MANAGED_BY,
  [FABRIC_LABEL]: fabricName,
});

export function isOwnedBy(object: Manifest, fabricName: string): boolean {
  const labels = object.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] === MANAGED_BY && labels[FABRIC_LABEL] === fabricName;
}

/** A copy that carries the fabric's ownership labels; `m` is not mutated. */
export const withOwnership = (m: Manifest, fabricName: string): Manifest => ({
  ...m,
  metadata: { ...m.metadata, labels: { ...m.metadata.labels, ...ownershipLabels(fabricName) } },
});

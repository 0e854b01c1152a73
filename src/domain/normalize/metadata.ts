/**
 * What survives of metadata in the canonical form: the export model of `kubectl fabric wiring
 * export` (REFERENCE §1.4, §4) — name, namespace, user labels, user annotations. Everything the API
 * server, the fabric or fabric-sync itself writes is dropped.
 */
import { FABRIC_NAMESPACE, type ManifestMetadata } from '../manifest.js';

/** The fabric's mutating webhook deletes and recomputes every label containing this (substring match). */
const FABRIC_LABEL_MARK = 'fabric.githedgehog.com/';

/** Ownership labels fabric-sync adds on apply (issue 5); Git never has to carry them. */
export const OWNERSHIP_LABELS: readonly string[] = ['app.kubernetes.io/managed-by', 'fabric-sync.io/fabric'];

const IGNORED_ANNOTATIONS: readonly string[] = ['kubectl.kubernetes.io/last-applied-configuration'];

export const isDerivedLabel = (key: string): boolean =>
  key.includes(FABRIC_LABEL_MARK) || OWNERSHIP_LABELS.includes(key);

function keepStrings(map: unknown, drop: (key: string) => boolean): Record<string, string> | undefined {
  if (typeof map !== 'object' || map === null) return undefined;
  const kept = Object.entries(map).filter(([key, v]) => !drop(key) && typeof v === 'string') as [
    string,
    string,
  ][];
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

export interface CanonicalMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function canonicalMetadata(metadata: ManifestMetadata): CanonicalMetadata {
  const namespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== ''
      ? metadata.namespace
      : FABRIC_NAMESPACE;
  const labels = keepStrings(metadata.labels, isDerivedLabel);
  const annotations = keepStrings(metadata.annotations, (key) => IGNORED_ANNOTATIONS.includes(key));
  return {
    name: metadata.name,
    namespace,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

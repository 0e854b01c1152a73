/**
 * What of a live object belongs in Git when it is adopted: the export model (name, namespace, the
 * user's labels and annotations, spec), never what the API server, the fabric or fabric-sync adds.
 */
import { badInput } from '../../domain/errors.js';
import { isJsonObject, type Manifest } from '../../domain/manifest.js';
import { canonicalMetadata } from '../../domain/normalize/metadata.js';

/**
 * Drops status, managedFields, uid, resourceVersion, generation, timestamps, owner references, the
 * last-applied annotation, labels the fabric derives and fabric-sync's ownership labels.
 */
export function adoptableManifest(live: Manifest, field = 'live'): Manifest {
  if (!isJsonObject(live) || !isJsonObject(live.metadata) || typeof live.metadata.name !== 'string') {
    throw badInput(field, 'is not a Kubernetes object with metadata.name');
  }
  const { name, namespace, labels, annotations } = canonicalMetadata(live.metadata);
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: {
      name,
      namespace,
      ...(labels ? { labels: { ...labels } } : {}),
      ...(annotations ? { annotations: { ...annotations } } : {}),
    },
    ...(isJsonObject(live.spec) ? { spec: live.spec } : {}),
  };
}

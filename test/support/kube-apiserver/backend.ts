/** The parts every request handler shares; built once per server. */
import type { AdmissionHooks } from './admission.js';
import type { ResourceRegistry } from './registry.js';
import type { ObjectStore } from './store.js';

export interface Backend {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly admission: AdmissionHooks;
}

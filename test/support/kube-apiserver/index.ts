/** The test kube-apiserver: see README.md in this directory. */
export { startKubeApiServer } from './server.js';
export type { FaultControls, KubeApiServer, KubeApiServerOptions } from './server.js';
export type {
  AdmissionDenial,
  AdmissionHooks,
  AdmissionRequest,
  MutatingHook,
  ValidatingHook,
} from './admission.js';
export type { FailureSpec } from './faults.js';
export type { TokenUser } from './auth.js';
export type { Role } from './permissions.js';
export { emulateFabricWebhook } from './fabric-webhooks.js';
export { readCrdDir } from './crd-files.js';
export type { KubeObject } from './types.js';

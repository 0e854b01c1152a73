/** Cluster settings that reach a test kube-apiserver the way a fabric's own settings would. */
import type { ClusterSettings } from '../../src/cluster/index.js';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';

export const settingsFor = (kube: KubeApiServer): ClusterSettings => ({
  server: kube.url,
  token: kube.token,
  caPem: kube.caPem,
  namespace: 'default',
  insecureSkipTlsVerify: false,
});

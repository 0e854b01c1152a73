/**
 * How to reach one fabric's cluster, built only from that fabric's own settings: never from a
 * machine kubeconfig, and TLS is verified unless the fabric explicitly turns that off.
 */
import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterSettings {
  readonly server: string;
  readonly token?: string;
  /** PEM bundle of the CA that signs the API server's certificate; absent: the system roots. */
  readonly caPem?: string | null;
  readonly namespace: string;
  readonly insecureSkipTlsVerify: boolean;
}

export function kubeConfigFor({
  server,
  token,
  caPem,
  namespace,
  insecureSkipTlsVerify,
}: ClusterSettings): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'fabric',
        server,
        // client-node wants base64 of the PEM here (kube-api-contract §7).
        ...(caPem ? { caData: Buffer.from(caPem).toString('base64') } : {}),
        skipTLSVerify: insecureSkipTlsVerify,
      },
    ],
    users: [{ name: 'fabric-sync', ...(token ? { token } : {}) }],
    contexts: [{ name: 'fabric', cluster: 'fabric', user: 'fabric-sync', namespace }],
    currentContext: 'fabric',
  });
  return kc;
}

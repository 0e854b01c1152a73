/** A kubeconfig both kubectl and client-node load: server URL, base64 CA data and the bearer token. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  readonly namespace?: string;
}

export function kubeconfigYaml({ url, caPem, token, namespace = 'default' }: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'fake',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'fake-admin', user: { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake-admin', namespace } }],
    'current-context': 'fake',
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, input: KubeconfigInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(input), { mode: 0o600 });
}

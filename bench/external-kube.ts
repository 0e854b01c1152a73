/**
 * The test kube-apiserver in a process of its own, so a benchmark's client and server do not share
 * one event loop (kubectl, the peer, runs outside the server's process too).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test/support/kube-apiserver/cli.ts');

export interface ExternalKube {
  readonly url: string;
  readonly caPem: string;
  readonly token: string;
  readonly kubeconfig: string;
  /** The server process, whose CPU time /proc/<pid>/stat tells. */
  readonly pid: number;
  stop(): Promise<void>;
}

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token: string } }[];
}

/** BENCH_KUBE_PROFILE_DIR=DIR writes the server's CPU profile there (NODE_OPTIONS refuses --cpu-prof). */
const profileArgs = () => {
  const dir = process.env['BENCH_KUBE_PROFILE_DIR'];
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
};

export async function startExternalKube(): Promise<ExternalKube> {
  const dir = await mkdtemp(path.join(tmpdir(), 'external-kube-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [
      ...profileArgs(),
      '--import',
      'tsx',
      CLI,
      '--port',
      '0',
      '--kubeconfig',
      kubeconfig,
      '--emulate-fabric-webhooks',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kube-apiserver exited with ${code} before it was ready`)));
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready at') && resolve());
  });
  const config = parse(await readFile(kubeconfig, 'utf8')) as KubeconfigFile;
  const cluster = config.clusters[0]!.cluster;
  return {
    url: cluster.server,
    caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'),
    token: config.users[0]!.user.token,
    kubeconfig,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

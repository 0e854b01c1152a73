/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
/** The foreground command: ready line, kubeconfig that client-node loads, --user roles, clean SIGTERM, snapshot round trip. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { Collector, VPC_GVR, vpc } from './harness.js';

const TSX = resolve(process.cwd(), 'node_modules/.bin/tsx');
const CLI = resolve(process.cwd(), 'test/support/kube-apiserver/cli.ts');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function startCli(args: string[]) {
  const child = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = new Collector<string>();
  const exits = new Collector<number | null>();
  child.stdout.on('data', (c: Buffer) => c.toString().split('\n').filter(Boolean).forEach(lines.push));
  child.on('exit', (code) => exits.push(code));
  return { child, lines, exits };
}

describe('npm run kube-apiserver', () => {
  it('prints the URL when ready, stops on SIGTERM and keeps state in the snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kube-cli-'));
    dirs.push(dir);
    const args = [
      '--port',
      '0',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--snapshot',
      join(dir, 'state.json'),
      '--emulate-fabric-webhooks',
      '--user',
      'ci=ci-token:vpcs.vpc.githedgehog.com=get+list',
    ];
    const first = startCli(args);
    await first.lines.until((l) => l.length > 0, 30_000);
    expect(first.lines.items).toEqual([
      expect.stringMatching(/^kube-apiserver ready at https:\/\/127\.0\.0\.1:\d+ /),
    ]);
    const kc = new KubeConfig();
    kc.loadFromFile(join(dir, 'kubeconfig'));
    const created: any = await kc
      .makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({ ...VPC_GVR, body: vpc('from-cli', { spec: {} }) });
    expect(created.metadata.labels['fabric.githedgehog.com/ipv4ns']).toBe('default');
    const asCi = new KubeConfig();
    asCi.loadFromOptions({ ...kc, users: [{ name: 'ci', token: 'ci-token' }] });
    asCi.contexts = kc.contexts.map((c) => ({ ...c, user: 'ci' }));
    const review = (verb: string) =>
      asCi.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, group: 'vpc.githedgehog.com', resource: 'vpcs' } } },
      });
    expect((await review('list')).status?.allowed).toBe(true);
    expect((await review('delete')).status?.allowed).toBe(false);
    first.child.kill('SIGTERM');
    await first.exits.until((e) => e.length === 1, 15_000);
    expect(first.exits.items).toEqual([0]);

    const second = startCli(args);
    await second.lines.until((l) => l.length > 0, 30_000);
    const again = new KubeConfig();
    again.loadFromFile(join(dir, 'kubeconfig'));
    const read: any = await again
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({ ...VPC_GVR, name: 'from-cli' });
    expect(read.metadata.uid).toBe(created.metadata.uid);
    second.child.kill('SIGTERM');
    await second.exits.until((e) => e.length === 1, 15_000);
  });
});

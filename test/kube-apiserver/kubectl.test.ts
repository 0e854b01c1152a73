/* eslint-disable @typescript-eslint/no-explicit-any -- kubectl prints untyped Kubernetes JSON that tests read by path */
/** The real kubectl against the test server: apply, get, watch, diff, patch, delete, discovery, explain, conflicts. */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { Collector, kubeConfigFor } from './harness.js';
import { Kubectl } from './kubectl-run.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';

const SHARED = resolve(process.cwd(), '../shared');
const SAMPLES = join(SHARED, 'hedgehog/samples');
const FIXTURE = resolve(process.cwd(), 'test/fixtures/kube/basic.yaml');

/** Servers in the default namespace, for the tests that change them through client-node as well. */
const SERVERS = {
  group: 'wiring.githedgehog.com',
  version: 'v1beta1',
  namespace: 'default',
  plural: 'servers',
};
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

let kube: KubeApiServer;
let kubectl: Kubectl;

beforeAll(async () => {
  kube = await startKubeApiServer({ emulateFabricWebhooks: true });
  kubectl = await Kubectl.forServer(kube);
});
afterAll(async () => {
  await kube.close();
  await kubectl.cleanup();
});

const ok = async (args: string[], input?: string) => {
  const result = await kubectl.run(args, input === undefined ? {} : { input });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
};

/** A namespace of its own for each test, with the fixture applied, so managers do not collide. */
async function freshNamespace(ns: string): Promise<void> {
  await ok(
    ['apply', '--server-side', '-f', '-'],
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
  );
  await ok(['apply', '--server-side', '-n', ns, '-f', FIXTURE]);
}

const documents = async (file: string) =>
  parseAllDocuments(await readFile(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((d) => d?.kind);

/** True when `live` holds every value of `sent`, allowing the fabric webhook's documented rewrites. */
function holds(sent: unknown, live: unknown): boolean {
  if (Array.isArray(sent)) {
    return (
      Array.isArray(live) && sent.length <= live.length && sent.every((s) => live.some((l) => holds(s, l)))
    );
  }
  if (typeof sent === 'object' && sent !== null) {
    const entries = Object.entries(sent).filter(([k]) => !k.includes('fabric.githedgehog.com/'));
    const liveObj = (live ?? {}) as Record<string, unknown>;
    return typeof live === 'object' && entries.every(([k, v]) => holds(v, liveObj[k]));
  }
  if (typeof sent === 'string' && typeof live === 'string') {
    return live === sent || live === `${sent}/default` || live === sent.replace(/^SPEED_/, '');
  }
  return sent === live;
}

describe('kubectl', () => {
  it('lists the served resources and explains a field from the OpenAPI v3 schema', async () => {
    const resources = await ok(['api-resources', '--api-group=vpc.githedgehog.com', '-o', 'name']);
    expect(resources.trim().split('\n')).toContain('vpcs.vpc.githedgehog.com');
    const wiring = await ok(['api-resources', '--api-group=wiring.githedgehog.com']);
    expect(wiring).toMatch(/switches\s+sw\s+wiring\.githedgehog\.com\/v1beta1\s+true\s+Switch/);
    const explained = await ok(['explain', 'switches.spec.role']);
    expect(explained).toContain('KIND:       Switch');
    expect(explained).toContain('FIELD: role <string>');
  });

  it('applies the project fixture server-side and shows the stored values and defaults', async () => {
    const out = await ok(['apply', '--server-side', '-f', FIXTURE]);
    expect(out).toContain('switch.wiring.githedgehog.com/leaf-01 serverside-applied');
    const sw = JSON.parse(await ok(['get', 'switch', 'leaf-01', '-o', 'json']));
    expect(sw.spec).toMatchObject({
      role: 'server-leaf',
      asn: 65101,
      groups: ['mclag-1'],
      vlanNamespaces: ['default'],
    });
    expect(sw.spec.linkFlapErrDisable).toEqual({
      flapThreshold: 3,
      recoveryInterval: 300,
      samplingInterval: 30,
    });
    expect(sw.metadata.labels).toEqual({
      rack: 'r1',
      'fabric.githedgehog.com/profile': 'dell-s5248f-on',
      'switchgroup.fabric.githedgehog.com/mclag-1': 'true',
      'vlanns.fabric.githedgehog.com/default': 'true',
    });
    const attachment = JSON.parse(await ok(['get', 'vpcattachment', 'vpc-1--server-01', '-o', 'json']));
    expect(attachment.spec.subnet).toBe('vpc-1/default');
    expect(await ok(['get', 'switches'])).toMatch(/^NAME\s+AGE\nleaf-01\s+\d+s\n$/);
    const vpcs = JSON.parse(await ok(['get', 'vpcs', '-o', 'json']));
    expect(vpcs.items[0].spec.subnets.default).toMatchObject({
      gateway: '10.0.1.1',
      dhcp: { enable: true, range: { start: '10.0.1.2', end: '10.0.1.255' } },
    });
  });

  it('diffs server-side: no change after apply, a change after editing the file', async () => {
    await freshNamespace('diff');
    const same = await kubectl.run(['diff', '--server-side', '-n', 'diff', '-f', FIXTURE]);
    expect([same.code, same.stdout]).toEqual([0, '']);
    const edited = (await readFile(FIXTURE, 'utf8')).replace(
      'description: first leaf',
      'description: edited leaf',
    );
    const changed = await kubectl.run(['diff', '--server-side', '-n', 'diff', '-f', '-'], { input: edited });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('+  description: edited leaf');
    expect(
      JSON.parse(await ok(['get', 'switch', 'leaf-01', '-n', 'diff', '-o', 'json'])).spec.description,
    ).toBe('first leaf');
  });

  it('refuses a second field manager without --force-conflicts, with the real message shape', async () => {
    await freshNamespace('conflict');
    const switchDoc = (await readFile(FIXTURE, 'utf8'))
      .split('\n---\n')
      .find((d) => d.includes('kind: Switch\n'))!;
    const edited = switchDoc.replace('asn: 65101', 'asn: 65199');
    const refused = await kubectl.run(
      ['apply', '--server-side', '-n', 'conflict', '--field-manager=other', '-f', '-'],
      { input: edited },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.asn');
    expect(refused.stderr).toContain('--force-conflicts');
    await ok(
      ['apply', '--server-side', '-n', 'conflict', '--field-manager=other', '--force-conflicts', '-f', '-'],
      edited,
    );
    expect(JSON.parse(await ok(['get', 'switch', 'leaf-01', '-n', 'conflict', '-o', 'json'])).spec.asn).toBe(
      65199,
    );
  });

  it('patches with --type merge and --type json, and rejects strategic merge', async () => {
    await ok([
      'patch',
      'server',
      'server-01',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"labels":{"x":"y"}},"spec":{"description":"merged"}}',
    ]);
    await ok([
      'patch',
      'server',
      'server-01',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/description","value":"json"}]',
    ]);
    const server = JSON.parse(await ok(['get', 'server', 'server-01', '-o', 'json']));
    expect([server.metadata.labels.x, server.spec.description]).toEqual(['y', 'json']);
    const smp = await kubectl.run(['patch', 'server', 'server-01', '-p', '{"spec":{"description":"smp"}}']);
    expect(smp.code).toBe(1);
    expect(smp.stderr).toContain(
      'application/strategic-merge-patch+json is not supported by wiring.githedgehog.com/v1beta1, Kind=Server',
    );
  });

  it('prints changes made through client-node in get -w', async () => {
    const watch = kubectl.stream(['get', 'servers', '-w', '--output-watch-events', '-o', 'json']);
    try {
      await watch.lines.until((l) => l.some((x) => x.includes('"server-01"')));
      const api = kubeConfigFor(kube).makeApiClient(CustomObjectsApi);
      await api.patchNamespacedCustomObject(
        { ...SERVERS, name: 'server-01', body: { spec: { description: 'from client-node' } } },
        MERGE_PATCH,
      );
      await api.createNamespacedCustomObject({
        ...SERVERS,
        body: {
          apiVersion: 'wiring.githedgehog.com/v1beta1',
          kind: 'Server',
          metadata: { name: 'server-02' },
        },
      });
      await watch.lines.until((l) => l.some((x) => x.includes('"server-02"')));
      const events = watch.lines.items.map((l) => JSON.parse(l));
      const modified = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'server-01');
      expect(modified.object.spec.description).toBe('from client-node');
      expect(
        events.find((e) => e.type === 'ADDED' && e.object.metadata.name === 'server-02').object.spec,
      ).toEqual({});
    } finally {
      watch.stop();
    }
  });

  it('deletes an object', async () => {
    expect(await ok(['delete', 'vpcattachment', 'vpc-1--server-01'])).toContain('deleted');
    const gone = await kubectl.run(['get', 'vpcattachment', 'vpc-1--server-01']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('vpcattachments.vpc.githedgehog.com "vpc-1--server-01" not found');
  });

  it('waits in delete until the last finalizer is removed through client-node', async () => {
    const server =
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: held\n  finalizers: [test.io/hold]\n';
    await ok(['apply', '--server-side', '-f', '-'], server);
    const deleting = kubectl.stream(['delete', 'server', 'held', '--timeout=30s']);
    const exits = new Collector<number | null>();
    deleting.process.on('exit', (code) => exits.push(code));
    const api = kubeConfigFor(kube).makeApiClient(CustomObjectsApi);
    await deleting.lines.until((l) => l.some((x) => x.includes('deleted')));
    const terminating: any = await api.getNamespacedCustomObject({ ...SERVERS, name: 'held' });
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    await api.patchNamespacedCustomObject(
      { ...SERVERS, name: 'held', body: { metadata: { finalizers: null } } },
      MERGE_PATCH,
    );
    await exits.until((e) => e.length === 1, 30_000);
    expect(exits.items).toEqual([0]);
  });

  describe.skipIf(!existsSync(SHARED))('the Hedgehog samples', () => {
    it('applies every sample file server-side (in turn, like successive commits) and stores the values sent', async () => {
      const files = (await readdir(SAMPLES)).filter((f) => f.endsWith('.yaml')).sort();
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        await ok(['apply', '--server-side', '-f', join(SAMPLES, file)]);
        const sent = await documents(join(SAMPLES, file));
        const kinds = [...new Set(sent.map((d) => d.kind.toLowerCase()))].join(',');
        const live = JSON.parse(await ok(['get', kinds, '-o', 'json'])).items as any[];
        for (const doc of sent) {
          const match = live.find((l) => l.kind === doc.kind && l.metadata.name === doc.metadata.name);
          expect(match, `${file}: ${doc.kind}/${doc.metadata.name}`).toBeDefined();
          expect(holds(doc.spec ?? {}, match.spec), `${file}: ${doc.kind}/${doc.metadata.name} spec`).toBe(
            true,
          );
          expect(holds(doc.metadata.labels ?? {}, match.metadata.labels ?? {})).toBe(true);
        }
      }
    });
  });
});

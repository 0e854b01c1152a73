/* eslint-disable @typescript-eslint/no-explicit-any -- replies are untyped Kubernetes JSON that tests read by path */
/** Issue #19: behaviours where the test server used to differ from a real kube-apiserver, proven through kubectl and raw HTTPS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { ApiException } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { C, VPC_GVR, kubeConfigFor, raw, vpc } from './harness.js';
import { Kubectl } from './kubectl-run.js';

let kube: KubeApiServer;
let kubectl: Kubectl;

beforeAll(async () => {
  kube = await startKubeApiServer();
  kubectl = await Kubectl.forServer(kube);
});
afterAll(async () => {
  await kube.close();
  await kubectl.cleanup();
});

const createVpc = async (name: string, labels?: Record<string, string>) => {
  const reply = await raw(kube, C, { method: 'POST', body: vpc(name, labels ? { labels } : {}) });
  expect(reply.status).toBe(201);
};

describe('dryRun on DELETE', () => {
  it('kubectl delete --dry-run=server keeps the object', async () => {
    await createVpc('dry-1');
    const result = await kubectl.run(['delete', 'vpc', 'dry-1', '--dry-run=server']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('deleted (server dry run)');
    expect((await raw(kube, `${C}/dry-1`)).status).toBe(200);
  });

  it('honours dryRun ["All"] in the DeleteOptions body, and rejects other values there', async () => {
    await createVpc('dry-2');
    const rv = kube.resourceVersion;
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] };
    expect((await raw(kube, `${C}/dry-2`, { method: 'DELETE', body })).status).toBe(200);
    expect((await raw(kube, `${C}/dry-2`)).status).toBe(200);
    expect(kube.resourceVersion).toBe(rv);
    const bad = await raw(kube, `${C}/dry-2`, { method: 'DELETE', body: { dryRun: ['Some'] } });
    expect(bad.status).toBe(422);
  });

  it('deletecollection with dryRun in the body deletes nothing', async () => {
    await createVpc('dry-3', { dry: 'c' });
    const body = { dryRun: ['All'] };
    const reply = await raw(kube, `${C}?labelSelector=dry%3Dc`, { method: 'DELETE', body });
    expect(reply.status).toBe(200);
    expect(reply.json.items.map((o: any) => o.metadata.name)).toEqual(['dry-3']);
    expect((await raw(kube, `${C}/dry-3`)).status).toBe(200);
  });
});

describe('label selectors', () => {
  it('kubectl get -l "gen>3" and "gen<3" compare label values as integers', async () => {
    for (const [name, gen] of [
      ['gen-2', '2'],
      ['gen-4', '4'],
      ['gen-10', '10'],
      ['gen-x', 'x'],
    ] as const)
      await createVpc(name, { gen });
    const names = async (selector: string) => {
      const result = await kubectl.run(['get', 'vpcs', '-l', selector, '-o', 'name']);
      expect(result.stderr).toBe('');
      return result.stdout.trim().split('\n').sort();
    };
    expect(await names('gen>3')).toEqual(['vpc.vpc.githedgehog.com/gen-10', 'vpc.vpc.githedgehog.com/gen-4']);
    expect(await names('gen<3,gen')).toEqual(['vpc.vpc.githedgehog.com/gen-2']);
  });

  it('answers 400 for a=b=c and for a non-integer > operand', async () => {
    const twice = await raw(kube, `${C}?labelSelector=${encodeURIComponent('a=b=c')}`);
    expect(twice.status).toBe(400);
    expect(twice.json.message).toBe("found '=', expected: ',' or 'end of string'");
    const nonInteger = await raw(kube, `${C}?labelSelector=${encodeURIComponent('gen>x')}`);
    expect(nonInteger.status).toBe(400);
    expect(nonInteger.json.message).toContain("for 'Gt', 'Lt' operators, the value must be an integer");
    const viaKubectl = await kubectl.run(['get', 'vpcs', '-l', 'a=b=c']);
    expect(viaKubectl.code).not.toBe(0);
    expect(viaKubectl.stderr).toContain("found '=', expected: ',' or 'end of string'");
  });
});

describe('JSON patch that does not apply', () => {
  const jsonPatch = (name: string, ops: unknown) =>
    raw(kube, `${C}/${name}`, { method: 'PATCH', body: ops, contentType: 'application/json-patch+json' });

  it('is a 422 Invalid whatever the failing op, and a body that is no patch stays a 400', async () => {
    await createVpc('jp-1');
    const unprocessable = {
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    };
    const missing = await jsonPatch('jp-1', [{ op: 'replace', path: '/spec/nothing/here', value: 1 }]);
    expect(missing.status).toBe(422);
    expect(missing.json).toMatchObject(unprocessable);
    expect(missing.json.details.causes[0].reason).toBe('UnexpectedServerResponse');
    const removed = await jsonPatch('jp-1', [{ op: 'remove', path: '/metadata/labels/none' }]);
    expect(removed.json).toMatchObject(unprocessable);
    const failedTest = await jsonPatch('jp-1', [{ op: 'test', path: '/spec/ipv4Namespace', value: 'x' }]);
    expect(failedTest.json).toMatchObject(unprocessable);
    expect((await jsonPatch('jp-1', { op: 'add' })).status).toBe(400);
  });

  it('kubectl patch --type=json on a missing path reports the 422', async () => {
    await createVpc('jp-2');
    const result = await kubectl.run([
      'patch',
      'vpc',
      'jp-2',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/nothing/here","value":1}]',
    ]);
    expect(result.code).not.toBe(0);
    // kubectl words a 422 Invalid by its causes, as against a real server.
    expect(result.stderr).toContain('The request is invalid: : doc is missing path');
  });
});

describe('resourceVersionMatch', () => {
  const listOptionsInvalid = (detail: string) =>
    `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: ${detail}`;

  it('client-node: Exact or NotOlderThan without a resourceVersion is a 422 Invalid', async () => {
    const api = kubeConfigFor(kube).makeApiClient(CustomObjectsApi);
    for (const resourceVersionMatch of ['Exact', 'NotOlderThan']) {
      const err = await api.listNamespacedCustomObject({ ...VPC_GVR, resourceVersionMatch }).then(
        () => expect.fail('expected a 422'),
        (e: unknown) => e as ApiException<string>,
      );
      expect(err.code).toBe(422);
      expect(JSON.parse(err.body)).toMatchObject({
        reason: 'Invalid',
        message: listOptionsInvalid(
          'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
        ),
        details: { group: 'meta.k8s.io', kind: 'ListOptions' },
      });
    }
  });

  it('rejects Exact at 0, an unknown value and a continue token', async () => {
    const exactZero = await raw(kube, `${C}?resourceVersion=0&resourceVersionMatch=Exact`);
    expect(exactZero.status).toBe(422);
    expect(exactZero.json.message).toBe(
      listOptionsInvalid('Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"'),
    );
    const unknown = await raw(kube, `${C}?resourceVersion=1&resourceVersionMatch=Newest`);
    expect(unknown.json.message).toBe(
      listOptionsInvalid('Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""'),
    );
    const withContinue = await raw(
      kube,
      `${C}?resourceVersionMatch=NotOlderThan&resourceVersion=1&continue=x`,
    );
    expect(withContinue.status).toBe(422);
  });

  it('Exact reads the state at that version even without limit', async () => {
    await createVpc('rvm-1', { rvm: 'x' });
    const rv = kube.resourceVersion;
    await createVpc('rvm-2', { rvm: 'x' });
    const names = async (match: string) => {
      const reply = await raw(
        kube,
        `${C}?labelSelector=rvm&resourceVersion=${rv}&resourceVersionMatch=${match}`,
      );
      expect(reply.status).toBe(200);
      return reply.json.items.map((o: any) => o.metadata.name);
    };
    expect(await names('Exact')).toEqual(['rvm-1']);
    expect(await names('NotOlderThan')).toEqual(['rvm-1', 'rvm-2']);
  });
});

describe('discovery', () => {
  it('/api names the address the server really listens on', async () => {
    const result = await kubectl.run(['get', '--raw', '/api']);
    expect(JSON.parse(result.stdout).serverAddressByClientCIDRs).toEqual([
      { clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${kube.port}` },
    ]);
  });

  it('/version carries the emulation and compatibility versions of Kubernetes 1.33', async () => {
    const result = await kubectl.run(['version', '-o', 'json']);
    expect(JSON.parse(result.stdout).serverVersion).toMatchObject({
      major: '1',
      minor: '33',
      emulationMajor: '1',
      emulationMinor: '33',
      minCompatibilityMajor: '1',
      minCompatibilityMinor: '32',
    });
  });
});

/** Per-token roles and the self-subject reviews, through `kubectl auth can-i` and client-node. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';
import { C, kubeConfigFor, raw, vpc } from './harness.js';
import { Kubectl } from './kubectl-run.js';

const READER = 'reader-token';
const PATCHER = 'patcher-token';

let kube: KubeApiServer;
const kubectls: Kubectl[] = [];

beforeAll(async () => {
  kube = await startKubeApiServer({
    users: [
      { name: 'reader', token: READER, role: 'read-only' },
      {
        name: 'patcher',
        token: PATCHER,
        role: { 'switches.wiring.githedgehog.com': ['get', 'patch'], 'vpcs.vpc.githedgehog.com': ['*'] },
      },
    ],
  });
});
afterAll(async () => {
  await kube.close();
  await Promise.all(kubectls.map((k) => k.cleanup()));
});

async function kubectlAs(token?: string): Promise<Kubectl> {
  const kubectl = await Kubectl.forServer(kube, token ? { token } : {});
  kubectls.push(kubectl);
  return kubectl;
}

/** `kubectl auth can-i` answers "yes" (exit 0) or "no" (exit 1). */
async function canI(kubectl: Kubectl, ...args: string[]): Promise<string> {
  const result = await kubectl.run(['auth', 'can-i', ...args]);
  expect(result.code).toBe(result.stdout.trim() === 'yes' ? 0 : 1);
  return result.stdout.trim();
}

describe('kubectl auth can-i', () => {
  it('answers by the role of the token', async () => {
    const admin = await kubectlAs();
    const reader = await kubectlAs(READER);
    const patcher = await kubectlAs(PATCHER);
    expect(await canI(admin, 'delete', 'switches')).toBe('yes');
    expect(await canI(reader, 'list', 'vpcs')).toBe('yes');
    expect(await canI(reader, 'watch', 'switches.wiring.githedgehog.com')).toBe('yes');
    expect(await canI(reader, 'create', 'vpcs')).toBe('no');
    expect(await canI(patcher, 'patch', 'switches')).toBe('yes');
    expect(await canI(patcher, 'delete', 'switches')).toBe('no');
    expect(await canI(patcher, 'deletecollection', 'vpcs')).toBe('yes');
    expect(await canI(patcher, 'get', 'connections')).toBe('no');
    expect(await canI(reader, 'get', '/version')).toBe('yes');
  });

  it('--list prints the rules of a SelfSubjectRulesReview', async () => {
    const result = await (await kubectlAs(PATCHER)).run(['auth', 'can-i', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/switches\.wiring\.githedgehog\.com\s+\[\]\s+\[\]\s+\[get patch\]/);
    expect(result.stdout).toMatch(
      /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/,
    );
  });
});

describe('requests are authorized by the same roles', () => {
  it('a read-only token lists but may not create; the verbs map allows exactly its verbs', async () => {
    expect((await raw(kube, C, { token: READER })).status).toBe(200);
    const denied = await raw(kube, C, { method: 'POST', body: vpc('ro-1'), token: READER });
    expect(denied.status).toBe(403);
    expect(denied.json.message).toBe(
      'vpcs.vpc.githedgehog.com is forbidden: User "reader" cannot create resource "vpcs" in API group "vpc.githedgehog.com" in the namespace "default"',
    );
    expect((await raw(kube, C, { method: 'POST', body: vpc('p-1'), token: PATCHER })).status).toBe(201);
    expect((await raw(kube, `${C}/p-1/status`, { token: PATCHER })).status).toBe(403);
  });

  it('client-node: SelfSubjectAccessReview and SelfSubjectRulesReview for the caller', async () => {
    const api = kubeConfigFor(kube, READER).makeApiClient(AuthorizationV1Api);
    const access = await api.createSelfSubjectAccessReview({
      body: {
        spec: { resourceAttributes: { verb: 'patch', group: 'vpc.githedgehog.com', resource: 'vpcs' } },
      },
    });
    expect(access.status?.allowed).toBe(false);
    const rules = await api.createSelfSubjectRulesReview({ body: { spec: { namespace: 'default' } } });
    expect(rules.status?.incomplete).toBe(false);
    expect(rules.status?.resourceRules).toContainEqual({
      verbs: ['get', 'list', 'watch'],
      apiGroups: ['*'],
      resources: ['*'],
    });
    const noNamespace = await raw(kube, '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      method: 'POST',
      body: { spec: {} },
      token: READER,
    });
    expect(noNamespace.status).toBe(400);
  });
});

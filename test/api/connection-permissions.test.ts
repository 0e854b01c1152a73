/** testFabricConnection tells which verbs the fabric's token lacks on which kind (SelfSubjectRulesReview). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_NAMES } from '../../src/domain/kinds.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';

const READER = 'reader-token-0123456789';
const WRITER = 'vpc-writer-token-0123456789';

const USERS = [
  { name: 'reader', token: READER, role: 'read-only' as const },
  {
    name: 'vpc-writer',
    token: WRITER,
    role: { '*': ['get', 'list', 'watch'], 'vpcs.vpc.githedgehog.com': ['create', 'patch', 'delete'] },
  },
];

let t: TestApp;
/** One cluster per fabric: two fabrics may not share a cluster server. */
const clusters: KubeApiServer[] = [];

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await Promise.all(clusters.map((kube) => kube.close()));
});

interface ConnectionTest {
  status: string;
  message: string;
  missingPermissions: { kind: string; verbs: string[] }[];
}

async function testConnection(
  name: string,
  tokenOf: (kube: KubeApiServer) => string,
): Promise<ConnectionTest> {
  const kube = await startKubeApiServer({ users: USERS });
  clusters.push(kube);
  const token = tokenOf(kube);
  const { createFabric } = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name, cluster: { server: kube.url, token, caCert: kube.caPem } } },
    ),
  );
  const { testFabricConnection } = dataOf(
    await t.gql<{ testFabricConnection: ConnectionTest }>(
      `mutation($id: ID!) { testFabricConnection(id: $id) { status message missingPermissions { kind verbs } } }`,
      { id: createFabric.id },
    ),
  );
  return testFabricConnection;
}

describe('testFabricConnection permissions', () => {
  it('a read-only token lacks create, patch and delete on every kind', async () => {
    const result = await testConnection('read-only', () => READER);
    expect(result.status).toBe('CONNECTED');
    expect(result.missingPermissions).toEqual(
      KIND_NAMES.map((kind) => ({ kind, verbs: ['create', 'patch', 'delete'] })),
    );
    expect(result.message).toContain(
      '; the token may not create, patch, delete VLANNamespace, IPv4Namespace,',
    );
  });

  it('names only the kinds the token cannot write', async () => {
    const result = await testConnection('vpc-writer', () => WRITER);
    expect(result.missingPermissions.map((p) => p.kind)).toEqual(KIND_NAMES.filter((k) => k !== 'VPC'));
  });

  it('the admin token lacks nothing', async () => {
    const result = await testConnection('admin', (kube) => kube.token);
    expect(result).toMatchObject({ status: 'CONNECTED', missingPermissions: [] });
    expect(result.message).not.toContain('may not');
  });
});

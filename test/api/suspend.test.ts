/**
 * suspendFabric/resumeFabric through the whole server: a suspended fabric refuses manual syncs,
 * applies and reconciles with FABRIC_SUSPENDED, a push webhook starts nothing, a drift check still
 * runs, subscribers see the change, and resuming makes every start work again. The schedule and
 * self-heal are held back at the same place (test/scheduler/suspended.test.ts).
 */
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startFabricOperation } from '../support/fabric-setup.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { collect, followOperation, wsClient } from '../support/subscriptions.js';
import { push, SECRET } from '../api-webhooks/support.js';
import { miniFabric } from '../domain/mini-fabric.js';

let t: TestApp;
let git: GitServer;
let fabricId: string;
let repositoryId: string;
let repo: TestRepo;

beforeAll(async () => {
  [t, git] = await Promise.all([startTestApp(), startGitServer()]);
  repo = await git.createRepo('suspend', {
    'fabric/wiring.yaml': miniFabric()
      .map((m) => stringify(m))
      .join('---\n'),
  });
  const { createRepository } = dataOf(
    await t.gql<{ createRepository: { id: string } }>(
      `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
      { i: { name: 'suspend-repo', url: repo.httpUrl, webhookSecret: SECRET } },
    ),
  );
  repositoryId = createRepository.id;
  const { createFabric } = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      { i: { name: 'suspend', repositoryId, directory: 'fabric' } },
    ),
  );
  fabricId = createFabric.id;
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

interface FabricView {
  suspended: boolean;
  suspendedReason: string | null;
}
const FABRIC_FIELDS = 'suspended suspendedReason';

const operationCount = async () =>
  dataOf(
    await t.gql<{ fabric: { operations: { totalCount: number } } }>(
      `query($id: ID!) { fabric(id: $id) { operations { totalCount } } }`,
      { id: fabricId },
    ),
  ).fabric.operations.totalCount;

const STARTS = ['syncFabric', 'applyFabric', 'reconcileFabric'] as const;

describe('a suspended fabric', () => {
  it('is suspended with its reason, and fabricStatus subscribers see it', async () => {
    const client = wsClient(t.url, t.adminToken);
    const open = t.app.services.events.subscriptionCount();
    const status = collect<{ fabricStatus: FabricView }>(
      client,
      `subscription($id: ID!) { fabricStatus(fabricId: $id) { ${FABRIC_FIELDS} } }`,
      { id: fabricId },
      (event) => event.fabricStatus.suspended,
    );
    await vi.waitFor(() => expect(t.app.services.events.subscriptionCount()).toBeGreaterThan(open));
    const { suspendFabric } = dataOf(
      await t.gql<{ suspendFabric: FabricView }>(
        `mutation($id: ID!) { suspendFabric(id: $id, reason: "  change freeze <until Monday>  ") { ${FABRIC_FIELDS} } }`,
        { id: fabricId },
      ),
    );
    expect(suspendFabric).toEqual({ suspended: true, suspendedReason: 'change freeze <until Monday>' });
    expect((await status.done).at(-1)?.fabricStatus).toEqual(suspendFabric);
    await client.dispose();
  });

  it.each(STARTS)('answers %s with FABRIC_SUSPENDED and starts nothing', async (mutation) => {
    const result = await t.gql(`mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`, { f: fabricId });
    expect(result.errors?.[0]?.extensions?.code).toBe('FABRIC_SUSPENDED');
    expect(result.errors?.[0]?.message).toContain('change freeze <until Monday>');
    expect(await operationCount()).toBe(0);
  });

  it('starts nothing on a push webhook and says why', async () => {
    const { body, headers } = push('github');
    const response = await fetch(`${t.url}/webhooks/git/${repositoryId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { operations: { suspended?: boolean; operationId?: string }[] };
    expect(answer.operations).toEqual([expect.objectContaining({ suspended: true })]);
    expect(answer.operations[0]?.operationId).toBeUndefined();
    expect(await operationCount()).toBe(0);
  });

  it('still runs a drift check', async () => {
    const id = await startFabricOperation(t, 'checkDrift', fabricId);
    await followOperation(t.url, t.adminToken, id);
    const { operation } = dataOf(
      await t.gql<{ operation: { type: string } }>(`query($id: ID!) { operation(id: $id) { type } }`, { id }),
    );
    expect(operation.type).toBe('DRIFT_CHECK');
  });

  it('refuses a write-back to its branch before pushing, and still writes one to a review branch', async () => {
    const tip = await repo.headCommit();
    const write = (options: string) =>
      t.gql<{ createRecord: { branch: string; operation: { id: string } | null } }>(
        `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "frozen", spec: {} }${options}) { branch operation { id } } }`,
        { f: fabricId },
      );
    const refused = await write('');
    expect(refused.errors?.[0]?.extensions?.code).toBe('FABRIC_SUSPENDED');
    expect(await repo.headCommit()).toBe(tip);
    const review = dataOf(await write(', options: { branch: "review/frozen" }'));
    expect(review.createRecord).toEqual({ branch: 'review/frozen', operation: null });
    expect(await operationCount()).toBe(1); // the drift check's
  });

  it('refuses a reason longer than 500 characters, naming the field', async () => {
    const result = await t.gql(
      `mutation($id: ID!, $r: String) { suspendFabric(id: $id, reason: $r) { id } }`,
      {
        id: fabricId,
        r: 'x'.repeat(501),
      },
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  });

  it('syncs again once resumed, and its reason is gone', async () => {
    const { resumeFabric } = dataOf(
      await t.gql<{ resumeFabric: FabricView }>(
        `mutation($id: ID!) { resumeFabric(id: $id) { ${FABRIC_FIELDS} } }`,
        { id: fabricId },
      ),
    );
    expect(resumeFabric).toEqual({ suspended: false, suspendedReason: null });
    const id = await startFabricOperation(t, 'syncFabric', fabricId);
    expect((await followOperation(t.url, t.adminToken, id)).at(-1)).toBe('SUCCEEDED');
  });
});

/**
 * The whole product on the test cluster (test/e2e-scale/support.ts) with a small generated fabric
 * (75 objects) reconciled to IN_SYNC and its watch ACTIVE, plus what the lost-state and self-heal tests read
 * through GraphQL: record counts by state, the fabric's operations, turning selfHeal on and off.
 */
import { dataOf } from '../support/app.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import type { TestRepo } from '../support/git-server.js';
import { createFabric, runOperation, startStack, waitForFabric, type Stack } from '../e2e-scale/support.js';

export const HEAL_DEBOUNCE_MS = 300;

export interface HealStack {
  readonly stack: Stack;
  readonly repo: TestRepo;
  readonly fabricId: string;
  readonly directory: string;
}

export interface OperationRow {
  id: string;
  type: string;
  trigger: string;
  status: string;
  stages: { name: string; counts: { name: string; value: number }[] }[];
}

export async function startHealStack(name: string): Promise<HealStack> {
  const stack = await startStack({ env: { FABRIC_SYNC_SELF_HEAL_DEBOUNCE_MS: String(HEAL_DEBOUNCE_MS) } });
  const directory = `fabrics/${name}`;
  const manifests = generateFabric({ seed: 17, leafPairs: 1, serversPerPair: 16, vpcs: 6, peerings: 1 });
  const repo = await stack.git.createRepo(name, fabricFiles(manifests, { files: 6, dir: directory }));
  const fabricId = await createFabric(stack.t, stack.kube, { name, repo, directory });
  const reconciled = await runOperation(stack.t, 'reconcileFabric', fabricId);
  if (reconciled.status !== 'SUCCEEDED') throw new Error(`reconcile: ${JSON.stringify(reconciled)}`);
  await watchActive({ stack, fabricId });
  return { stack, repo, fabricId, directory };
}

export const watchActive = ({ stack, fabricId }: Pick<HealStack, 'stack' | 'fabricId'>) =>
  waitForFabric<{ watchStatus: string }>(
    stack.t,
    fabricId,
    'watchStatus watchMessage',
    (f) => f.watchStatus === 'ACTIVE',
    'the watch to be ACTIVE',
  );

export async function setSelfHeal({ stack, fabricId }: HealStack, on: boolean): Promise<void> {
  dataOf(
    await stack.t.gql(
      `mutation($id: ID!, $on: Boolean!) { updateFabric(id: $id, input: { selfHeal: $on }) { id } }`,
      {
        id: fabricId,
        on,
      },
    ),
  );
}

export interface SyncView {
  syncStatus: string;
  missing: { totalCount: number };
  inSync: { totalCount: number };
}

export const SYNC_FIELDS = `syncStatus
  missing: records(filter: { state: MISSING }, first: 1) { totalCount }
  inSync: records(filter: { state: IN_SYNC }, first: 1) { totalCount }`;

/** Polls the fabric's sync status and record states until `until` holds (the watch has no single event to wait on). */
export const waitForSync = (
  h: HealStack,
  until: (view: SyncView) => boolean,
  what: string,
  timeoutMs?: number,
) => waitForFabric<SyncView>(h.stack.t, h.fabricId, SYNC_FIELDS, until, what, timeoutMs);

export async function operations(h: HealStack): Promise<OperationRow[]> {
  const { fabric } = dataOf(
    await h.stack.t.gql<{ fabric: { operations: { nodes: OperationRow[] } } }>(
      `query($id: ID!) { fabric(id: $id) { operations(first: 100) { nodes {
         id type trigger status stages { name counts { name value } } } } } }`,
      { id: h.fabricId },
    ),
  );
  return fabric.operations.nodes;
}

export const selfHeals = async (h: HealStack) =>
  (await operations(h)).filter((op) => op.type === 'SELF_HEAL');

export const stageCount = (op: OperationRow, stage: string, name: string) =>
  op.stages.find((s) => s.name === stage)?.counts.find((c) => c.name === name)?.value ?? 0;

/** Polls until `until` holds for the fabric's operations. */
export async function waitForOperations(
  h: HealStack,
  until: (ops: OperationRow[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<OperationRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ops = await operations(h);
    if (until(ops)) return ops;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(ops)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

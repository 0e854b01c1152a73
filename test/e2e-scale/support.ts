/**
 * The whole product wired for end-to-end runs: the server in-process (test/support/app.ts), the test
 * Kubernetes server with the fabric's webhooks emulated, and a Git server with basic auth holding a
 * generated fabric. Helpers run operations through GraphQL and compare the cluster with Git.
 */
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { canonicalHash } from '../../src/domain/canonical.js';
import { formatRef } from '../../src/domain/kinds.js';
import { FABRIC_NAMESPACE, type Manifest } from '../../src/domain/manifest.js';
import { dataOf, startTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import {
  createFabricWithRepository,
  runFabricOperation,
  type GraphQLClient,
} from '../support/fabric-setup.js';
import { git as gitCli } from '../support/git-cli.js';
import { startGitServer, type GitServer, type TestRepo } from '../support/git-server.js';
import { startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver/index.js';
import { kubeApi } from '../sync/harness.js';
import { liveObjects } from '../sync/live.js';

export const GIT_USER = { username: 'fabric-bot', password: 'e2e-git-password-5d1c' };

export interface Stack {
  readonly t: TestApp;
  readonly kube: KubeApiServer;
  readonly git: GitServer;
  /** client-node straight to the test server, as an operator's kubectl would be. */
  readonly api: CustomObjectsApi;
  close(): Promise<void>;
}

export async function startStack(options: TestAppOptions = {}): Promise<Stack> {
  const [kube, git] = await Promise.all([
    startKubeApiServer({ emulateFabricWebhooks: true }),
    startGitServer({ users: [GIT_USER] }),
  ]);
  const t = await startTestApp(options);
  return {
    t,
    kube,
    git,
    get api() {
      return kubeApi(kube); // built on use: a test may rotate the token
    },
    async close() {
      await t.close();
      await kube.close();
      await git.close();
    },
  };
}

export interface FabricOptions {
  readonly name: string;
  readonly repo: TestRepo;
  readonly directory: string;
  readonly prune?: boolean;
  /** Where the server reaches the repository (default: its own HTTP URL). */
  readonly url?: string;
}

/** A repository with basic auth and a fabric on the test cluster that auto-applies; returns the fabric id. */
export async function createFabric(
  t: GraphQLClient,
  kube: KubeApiServer,
  options: FabricOptions,
): Promise<string> {
  const { name, repo, directory, prune = true, url = repo.httpUrl } = options;
  const { fabricId } = await createFabricWithRepository(t, {
    name,
    url,
    directory,
    auth: { kind: 'BASIC', username: GIT_USER.username, secret: GIT_USER.password },
    cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
    autoApply: true,
    prune,
  });
  return fabricId;
}

export interface OperationView {
  readonly id: string;
  readonly status: string;
  readonly message: string | null;
  readonly stages: {
    name: string;
    status: string;
    message: string | null;
    counts: { name: string; value: number }[];
  }[];
  readonly errors: { message: string; kind: string | null; name: string | null }[];
}

const OPERATION_FIELDS =
  'id status message stages { name status message counts { name value } } errors { message kind name }';

export async function operation(t: GraphQLClient, id: string): Promise<OperationView> {
  return dataOf(
    await t.gql<{ operation: OperationView }>(
      `query($id: ID!) { operation(id: $id) { ${OPERATION_FIELDS} } }`,
      {
        id,
      },
    ),
  ).operation;
}

/** Starts the operation, follows it over graphql-ws to its end and returns it as GraphQL shows it. */
export async function runOperation(t: TestApp, mutation: string, fabricId: string): Promise<OperationView> {
  const { id } = await runFabricOperation(t, mutation, fabricId);
  return operation(t, id);
}

export const stageCounts = (op: OperationView, stage: string): Record<string, number> =>
  Object.fromEntries(op.stages.find((s) => s.name === stage)?.counts.map((c) => [c.name, c.value]) ?? []);

const keyOf = (m: Manifest) =>
  formatRef({ kind: m.kind, namespace: m.metadata.namespace || FABRIC_NAMESPACE, name: m.metadata.name });

/** Every object of the branch tip under `directory`, parsed from the repository itself: key → canonical hash. */
export async function gitState(repo: TestRepo, directory: string): Promise<Map<string, string>> {
  const bare = new URL(repo.fileUrl).pathname;
  const paths = (await gitCli(bare, ['ls-tree', '-r', '--name-only', repo.defaultBranch, `${directory}/`]))
    .split('\n')
    .filter((p) => p.endsWith('.yaml'));
  const state = new Map<string, string>();
  for (const path of paths)
    for (const doc of parseAllDocuments(await repo.readFile(path))) {
      const m = doc.toJS() as Manifest | null;
      if (m) state.set(keyOf(m), canonicalHash(m));
    }
  return state;
}

/** Every object in the test cluster: key → canonical hash (the webhooks' defaults normalized away). */
export async function clusterState(api: CustomObjectsApi): Promise<Map<string, string>> {
  return new Map([...(await liveObjects(api))].map(([key, object]) => [key, canonicalHash(object)]));
}

/** Keys whose hash differs, or that only one side has: empty when the cluster equals Git. */
export function differingKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

export interface DriftView {
  counts: { type: string; count: number }[];
  differences: {
    totalCount: number;
    nodes: { kind: string; name: string; type: string; path: string; desired: unknown; live: unknown }[];
  };
}

/** The fabric's latest drift report with every difference. */
export async function latestDrift(t: TestApp, fabricId: string): Promise<DriftView> {
  const { fabric } = dataOf(
    await t.gql<{ fabric: { drift: DriftView } }>(
      `query($id: ID!) { fabric(id: $id) { drift { counts { type count }
         differences(first: 500) { totalCount nodes { kind name type path desired live } } } } }`,
      { id: fabricId },
    ),
  );
  return fabric.drift;
}

/** Polls the fabric until `pick` returns true (the watch status has no single event to wait on here). */
export async function waitForFabric<T>(
  t: TestApp,
  fabricId: string,
  fields: string,
  until: (fabric: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { fabric } = dataOf(
      await t.gql<{ fabric: T }>(`query($id: ID!) { fabric(id: $id) { ${fields} } }`, { id: fabricId }),
    );
    if (until(fabric)) return fabric;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(fabric)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The query the load clients send: the fabric list with nested record counts and a page of records. */
export const FABRICS_QUERY = `{ fabrics(first: 20) { totalCount nodes { name syncStatus recordCounts { kind count }
  records(first: 20) { totalCount nodes { kind name state } } } } }`;

export interface LoadResult {
  readonly requests: number;
  readonly errors: string[];
  /** Milliseconds per request, in completion order. */
  readonly latencies: number[];
}

/** `clients` concurrent clients sending FABRICS_QUERY through `gql` back to back until `until` settles. */
export async function queryLoad(
  t: GraphQLClient,
  clients: number,
  until: Promise<unknown>,
): Promise<LoadResult> {
  let done = false;
  const stop = () => void (done = true);
  until.then(stop, stop);
  const errors: string[] = [];
  const latencies: number[] = [];
  const client = async () => {
    while (!done) {
      const start = performance.now();
      try {
        const result = await t.gql(FABRICS_QUERY);
        if (result.status !== 200 || result.errors?.length)
          errors.push(`${result.status} ${JSON.stringify(result.errors)}`);
      } catch (err) {
        errors.push(String(err));
      }
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { requests: latencies.length, errors, latencies };
}

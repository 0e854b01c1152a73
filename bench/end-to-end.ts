/**
 * The product end to end at full size: a generated 10,000-object fabric in a Git repository served
 * over HTTP with basic auth, fabric-sync as its own server process (as deployed), and the test
 * kube-apiserver in a process of its own. Measures
 * - commit → IN_SYNC: reconcileFabric of the whole fabric (fetch, parse, validate, persist, apply,
 *   drift) until the operation ends and the fabric is IN_SYNC; target ≤ 30 s;
 * - GraphQL throughput (autocannon, 50 connections) of the fabric list with nested record counts,
 *   next to graphql-js executing the same query on the same schema against in-memory data; target ≥ 50%.
 *   The server as deployed answers repeats from its response cache; an API-only replica with the
 *   cache off, on the same database, shows what each execution costs;
 * - 50 clients sending that query back to back while a reconcile of a 1% change runs: p50/p99, errors.
 * Run: node --import tsx bench/end-to-end.ts [objects]; writes bench/results/end-to-end.{json,md}.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { buildSchema, execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Manifest } from '../src/domain/manifest.js';
import type { GraphQLResult } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import { startGitServer } from '../test/support/git-server.js';
import { fabricFiles, generateFabric, shapeFor } from '../test/support/fixtures/index.js';
import { newIdentity, startServerProcess, type ServerProcess } from '../test/support/server-process.js';
import { FABRICS_QUERY, GIT_USER, queryLoad, type LoadResult } from '../test/e2e-scale/support.js';
import { SERVER_ENV, SERVER_NODE_FLAGS, serverCommand } from '../scripts/build.js';
import { bundleServer } from './bundle-role.js';
import { startExternalKube } from './external-kube.js';
import { percentile, writeReport, type Row } from './report.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const size = Number(process.argv[2] ?? 10_000);
const CLIENTS = 50;
const THROUGHPUT_SECONDS = 10;
const DIR = 'fabrics/bench';

async function must<T>(result: Promise<GraphQLResult<T>>): Promise<T> {
  const { data, errors } = await result;
  if (errors?.length || !data) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
  return data;
}

interface Reconciled {
  readonly ms: number;
  readonly syncStatus: string;
  readonly stages: Record<string, number>;
}

/** reconcileFabric, polled until the operation ends; the time until the fabric is IN_SYNC. */
async function reconcile(server: ServerProcess, fabricId: string): Promise<Reconciled> {
  const start = performance.now();
  const { reconcileFabric } = await must(
    server.gql<{ reconcileFabric: { id: string } }>(
      `mutation($f: ID!) { reconcileFabric(fabricId: $f) { id } }`,
      {
        f: fabricId,
      },
    ),
  );
  for (;;) {
    const { operation } = await must(
      server.gql<{
        operation: {
          status: string;
          message: string | null;
          fabric: { syncStatus: string };
          stages: { name: string; startedAt: string | null; finishedAt: string | null }[];
        };
      }>(
        `query($id: ID!) { operation(id: $id) { status message fabric { syncStatus } stages { name startedAt finishedAt } } }`,
        { id: reconcileFabric.id },
      ),
    );
    if (!['RUNNING', 'QUEUED'].includes(operation.status)) {
      const ms = performance.now() - start;
      if (operation.status !== 'SUCCEEDED')
        throw new Error(`reconcile ${operation.status}: ${operation.message}`);
      const timed = operation.stages.filter((s) => s.startedAt && s.finishedAt);
      return {
        ms,
        syncStatus: operation.fabric.syncStatus,
        stages: Object.fromEntries(
          timed.map((s) => [s.name, Date.parse(s.finishedAt!) - Date.parse(s.startedAt!)]),
        ),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The peer: graphql-js executing the same query on the same schema against in-memory data shaped
 * like the database's (every record of every fabric in an array; counts and pages computed per request).
 */
async function bareGraphqlJs(fabrics: { name: string; records: Manifest[] }[]): Promise<number> {
  const schema: GraphQLSchema = buildSchema(await readFile('schema.graphql', 'utf8'));
  const record = (m: Manifest) => ({ kind: m.kind, name: m.metadata.name, state: 'IN_SYNC' });
  const rootValue = {
    fabrics: ({ first }: { first: number }) => ({
      totalCount: fabrics.length,
      nodes: fabrics.slice(0, first).map((f) => ({
        name: f.name,
        syncStatus: 'IN_SYNC',
        recordCounts: () => {
          const counts = new Map<string, number>();
          for (const r of f.records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
          return [...counts].map(([kind, count]) => ({ kind, count }));
        },
        records: (args: { first: number }) => ({
          totalCount: f.records.length,
          nodes: f.records.slice(0, args.first).map((m) => ({ ...record(m), __typename: m.kind })),
        }),
      })),
    }),
  };
  const document: DocumentNode = parse(FABRICS_QUERY);
  const typeResolver = (value: { __typename: string }) => value.__typename;
  const deadline = performance.now() + THROUGHPUT_SECONDS * 1000;
  let executions = 0;
  while (performance.now() < deadline) {
    const result = await execute({ schema, document, rootValue, typeResolver });
    if (result.errors) throw new Error(`graphql-js: ${JSON.stringify(result.errors)}`);
    executions += 1;
  }
  return executions / THROUGHPUT_SECONDS;
}

/** autocannon's 50 connections sending the fabric list query for THROUGHPUT_SECONDS. */
function throughput(baseUrl: string, token: string): Promise<AutocannonResult> {
  return autocannon({
    url: `${baseUrl}/graphql`,
    connections: CLIENTS,
    duration: THROUGHPUT_SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: FABRICS_QUERY }),
  });
}

/** The server's response cache lookups so far, from /metrics. */
async function cacheLookups(baseUrl: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const count = (outcome: string) =>
    Number(
      text.match(
        new RegExp(`^fabric_sync_response_cache_lookups_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'),
      )?.[1] ?? 0,
    );
  return { hit: count('hit'), miss: count('miss') };
}

const manifests = generateFabric(shapeFor(size));
console.log(`fabric of ${manifests.length} objects`);
const files = fabricFiles(manifests, { files: 50, dir: DIR });
const [db, git, kube] = await Promise.all([
  createTestDatabase(),
  startGitServer({ users: [GIT_USER] }),
  startExternalKube(),
]);
const identity = newIdentity(db.url);
// As deployed: the production bundle, run by node with production's flags and environment.
const bundle = await bundleServer();
const deployed = (env: Record<string, string> = {}) =>
  startServerProcess(identity, { ...SERVER_ENV, ...env }, [...SERVER_NODE_FLAGS, bundle.entry]);
const server = await deployed();
try {
  const repo = await git.createRepo('bench', files);
  const { createRepository } = await must(
    server.gql<{ createRepository: { id: string } }>(
      `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
      {
        i: {
          name: 'bench',
          url: repo.httpUrl,
          auth: { kind: 'BASIC', username: GIT_USER.username, secret: GIT_USER.password },
        },
      },
    ),
  );
  const { createFabric } = await must(
    server.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      {
        i: {
          name: 'bench',
          repositoryId: createRepository.id,
          directory: DIR,
          autoApply: true,
          prune: true,
          cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
        },
      },
    ),
  );
  const fabricId = createFabric.id;

  const cold = await reconcile(server, fabricId);
  console.log('commit → IN_SYNC', cold);

  const ours = await throughput(server.url, identity.adminToken);
  const lookups = await cacheLookups(server.url);
  console.log('autocannon', ours.requests.average, 'req/s', lookups);
  const uncachedReplica = await deployed({
    FABRIC_SYNC_RESPONSE_CACHE_MB: '0',
    FABRIC_SYNC_RESCAN_SECONDS: '0',
  });
  let uncached: AutocannonResult;
  try {
    uncached = await throughput(uncachedReplica.url, identity.adminToken);
  } finally {
    await uncachedReplica.stop();
  }
  console.log('autocannon, cache off', uncached.requests.average, 'req/s');
  const peer = await bareGraphqlJs([{ name: 'bench', records: manifests }]);
  console.log('graphql-js', peer, 'executions/s');

  // A 1% change (server descriptions), reconciled while 50 clients query back to back.
  const servers = new Set(manifests.filter((m) => m.kind === 'Server').slice(0, Math.ceil(size / 100)));
  const changed = manifests.map((m) =>
    servers.has(m) ? { ...m, spec: { description: `${m.spec?.['description'] as string}, moved` } } : m,
  );
  await repo.push(fabricFiles(changed, { files: 50, dir: DIR }), `change ${servers.size} servers`);
  const during = reconcile(server, fabricId);
  const load: LoadResult = await queryLoad(server, CLIENTS, during);
  const underLoad = await during;
  console.log('during reconcile', { requests: load.requests, errors: load.errors.length, ...underLoad });

  const seconds = (ms: number) => ms / 1000;
  const rows: Row[] = [
    {
      metric: `commit → IN_SYNC, ${manifests.length} objects (reconcileFabric: git sync, apply, drift)`,
      value: seconds(cold.ms),
      unit: 's',
      target: '≤ 30 s',
      pass: cold.ms <= 30_000 && cold.syncStatus === 'IN_SYNC',
      note: `stage ms ${JSON.stringify(cold.stages)}`,
    },
    {
      metric: `GraphQL fabric list with nested record counts, autocannon ${CLIENTS} connections`,
      value: ours.requests.average,
      unit: 'req/s',
      peer: 'graphql-js execute, same schema and query, in-memory data',
      peerValue: peer,
      target: '≥ 50% of graphql-js',
      pass: ours.requests.average >= 0.5 * peer && ours.errors === 0 && ours.non2xx === 0,
      note: `response cache ${lookups.hit} hits / ${lookups.miss} misses; p50 ${ours.latency.p50} ms, p99 ${ours.latency.p99} ms, ${ours.errors} errors, ${ours.non2xx} non-2xx`,
    },
    {
      metric: `the same with the response cache off (an API-only replica on the same database): every request executes`,
      value: uncached.requests.average,
      unit: 'req/s',
      peer: 'graphql-js execute, same schema and query, in-memory data',
      peerValue: peer,
      note: `p50 ${uncached.latency.p50} ms, p99 ${uncached.latency.p99} ms, ${uncached.errors} errors, ${uncached.non2xx} non-2xx`,
    },
    {
      metric: `${CLIENTS} clients querying during a reconcile of ${servers.size} changed objects: p50`,
      value: percentile(load.latencies, 0.5),
      unit: 'ms',
    },
    {
      metric: `${CLIENTS} clients querying during a reconcile: p99`,
      value: percentile(load.latencies, 0.99),
      unit: 'ms',
    },
    {
      metric: `${CLIENTS} clients querying during a reconcile: failed requests (of ${load.requests})`,
      value: load.errors.length,
      unit: 'errors',
      target: '0',
      pass: load.errors.length === 0,
      note: load.errors[0]?.slice(0, 200) ?? '',
    },
    {
      metric: 'that reconcile, commit → IN_SYNC under the query load',
      value: seconds(underLoad.ms),
      unit: 's',
      note: `stage ms ${JSON.stringify(underLoad.stages)}`,
    },
  ];
  await writeReport('end-to-end', `End to end: ${manifests.length}-object fabric (issue 10)`, rows, {
    objects: String(manifests.length),
    server: `fabric-sync in its own process, the production bundle run as npm start does (${serverCommand('…')}); test kube-apiserver in its own process`,
  });
} finally {
  await server.stop();
  await bundle.remove();
  await kube.stop();
  await git.close();
  await db.close();
}

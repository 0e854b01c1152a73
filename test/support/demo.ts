/**
 * `npm run demo`: the whole product on one machine with nothing installed — the embedded database,
 * the project's Kubernetes test server, a Git repository served over HTTP holding a generated
 * fabric, and fabric-sync wired to both. It reconciles, prints where to look, then makes a Git
 * commit and a kubectl edit so sync and drift show live. Ctrl-C stops everything.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { startApp } from '../../src/main.js';
import { startGitServer } from './git-server.js';
import { fabricFiles, generateFabric } from './fixtures/index.js';
import { startKubeApiServer } from './kube-apiserver/index.js';

const run = promisify(execFile);
const dataDir = path.resolve(process.env['FABRIC_SYNC_DATA_DIR'] || 'data/demo');
const GIT_USER = { username: 'demo', password: 'demo-git-password' };
const say = (text: string) => process.stdout.write(`${text}\n`);

await mkdir(dataDir, { recursive: true });
const kube = await startKubeApiServer({ port: 0, emulateFabricWebhooks: true });
const kubeconfig = path.join(dataDir, 'kubeconfig');
await kube.writeKubeconfig(kubeconfig);
const git = await startGitServer({ users: [GIT_USER] });
const manifests = generateFabric({ seed: 42 });
const repo = await git.createRepo('demo-fabric', fabricFiles(manifests, { files: 12, dir: 'fabrics/demo' }));

const adminToken =
  process.env['FABRIC_SYNC_ADMIN_TOKEN'] ||
  `fst_demo_${Math.random().toString(36).slice(2)}${'0'.repeat(24)}`;
const config = loadConfig({
  ...process.env,
  FABRIC_SYNC_DATA_DIR: dataDir,
  FABRIC_SYNC_ADMIN_TOKEN: adminToken,
  FABRIC_SYNC_GIT_ALLOW_SCHEMES: 'https,ssh,http',
  LOG_LEVEL: process.env['LOG_LEVEL'] || 'warn',
  LOG_FORMAT: process.env['LOG_FORMAT'] || 'pretty',
});
const app = await startApp(config);

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Starts an operation and waits for its end, printing each stage as it finishes. */
async function follow(mutation: string, fabricId: string): Promise<void> {
  const started = await gql<Record<string, { id: string }>>(
    `mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`,
    { f: fabricId },
  );
  const id = Object.values(started)[0]!.id;
  const seen = new Set<string>();
  for (;;) {
    const { operation } = await gql<{
      operation: {
        status: string;
        message: string | null;
        stages: { name: string; status: string; counts: { name: string; value: number }[] }[];
        errors: { message: string }[];
      };
    }>(
      `query($id: ID!) { operation(id: $id) { status message stages { name status counts { name value } } errors { message } } }`,
      { id },
    );
    for (const stage of operation.stages)
      if (!['PENDING', 'RUNNING'].includes(stage.status) && !seen.has(stage.name)) {
        seen.add(stage.name);
        say(
          `  ${stage.name.padEnd(9)} ${stage.status.padEnd(9)} ${stage.counts.map((c) => `${c.name}=${c.value}`).join(' ')}`,
        );
      }
    if (!['RUNNING', 'QUEUED'].includes(operation.status)) {
      say(`  → ${operation.status}${operation.message ? `: ${operation.message}` : ''}`);
      for (const e of operation.errors.slice(0, 5)) say(`    ${e.message}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const { createRepository } = await gql<{ createRepository: { id: string } }>(
  `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
  {
    i: {
      name: 'demo-fabric',
      url: repo.httpUrl,
      auth: { kind: 'BASIC', username: GIT_USER.username, secret: GIT_USER.password },
    },
  },
);
const { createFabric } = await gql<{ createFabric: { id: string } }>(
  `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
  {
    i: {
      name: 'demo',
      description: 'generated demo fabric',
      repositoryId: createRepository.id,
      directory: 'fabrics/demo',
      autoApply: true,
      prune: true,
      cluster: { server: kube.url, token: kube.token, caCert: kube.caPem },
    },
  },
);
const fabricId = createFabric.id;
const RECONCILE = (
  await gql<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "Mutation") { fields { name } } }`)
).__type.fields.some((f) => f.name === 'reconcileFabric')
  ? 'reconcileFabric'
  : 'syncFabric';

say(`\nfabric-sync demo: ${manifests.length} objects of 12 kinds in ${repo.httpUrl}, cluster ${kube.url}\n`);
say(`${RECONCILE} of fabric "demo":`);
await follow(RECONCILE, fabricId);
say(`
  GraphiQL     ${app.url}/graphql      (token below; subscriptions work there too)
  status page  ${app.url}/
  token        ${adminToken}
  kubectl      kubectl --kubeconfig ${kubeconfig} get vpcs

Try in GraphiQL:
  { fabric(name: "demo") { syncStatus recordCounts { kind count } records(kind: VPC, first: 3) { nodes { name ... on VPC { subnets { name cidr vlan } } } } } }
  subscription { fabricStatus(fabricId: "${fabricId}") { name syncStatus watchStatus } }
  mutation { syncFabric(fabricId: "${fabricId}") { id status } }
`);

// The scripted change: a commit to the demo repository, then an edit behind Git's back.
setTimeout(() => {
  void (async () => {
    const vpcFile = Object.keys(fabricFiles(manifests, { files: 12, dir: 'fabrics/demo' })).find((f) =>
      f.includes('-vpc-'),
    )!;
    const content = await repo.readFile(vpcFile);
    await repo.push(
      { [vpcFile]: content.replace(/gateway: "(\d+\.\d+\.\d+)\.1"/, 'gateway: "$1.9"') },
      'demo: move a gateway',
    );
    say(`\nscripted change 1: committed a new gateway to ${vpcFile}; ${RECONCILE}:`);
    await follow(RECONCILE, fabricId);
    if (RECONCILE === 'reconcileFabric') {
      await run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        path.join(dataDir, 'kubectl-cache'),
        'label',
        'vpc',
        'vpc-1',
        'edited-by=kubectl',
        '--overwrite',
      ]);
      say("\nscripted change 2: kubectl label vpc vpc-1 edited-by=kubectl (behind Git's back); checkDrift:");
      await follow('checkDrift', fabricId);
    }
    say('\nThe demo keeps running; Ctrl-C stops it.');
  })().catch((err: unknown) => say(`scripted change failed: ${(err as Error).message}`));
}, 5_000);

const stop = () => {
  void (async () => {
    await app.close();
    await git.close();
    await kube.close();
    process.exit(0);
  })();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

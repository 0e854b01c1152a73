/** The set-up most API tests share: a repository, a fabric reading it, and operations followed to their end. */
import { dataOf, type GraphQLResult, type TestApp } from './app.js';
import { followOperation } from './subscriptions.js';

/** The in-process app, or a server process: anything that answers GraphQL as the admin. */
export interface GraphQLClient {
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResult<T>>;
}

export interface FabricSetup {
  readonly name: string;
  readonly url: string;
  readonly defaultBranch?: string;
  readonly auth?: { kind: string; username?: string; secret?: string };
  readonly directory?: string;
  readonly cluster?: { server: string; token: string; caCert: string };
  readonly autoApply?: boolean;
  readonly prune?: boolean;
}

/** Creates the repository (named after the fabric) and the fabric; returns their global ids. */
export async function createFabricWithRepository(t: GraphQLClient, setup: FabricSetup) {
  const { name, url, defaultBranch, auth, directory, cluster, autoApply, prune } = setup;
  const { createRepository } = dataOf(
    await t.gql<{ createRepository: { id: string } }>(
      `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
      {
        i: {
          name: `${name}-repo`,
          url,
          ...(defaultBranch ? { defaultBranch } : {}),
          ...(auth ? { auth } : {}),
        },
      },
    ),
  );
  const { createFabric } = dataOf(
    await t.gql<{ createFabric: { id: string } }>(
      `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
      {
        i: {
          name,
          repositoryId: createRepository.id,
          ...(directory ? { directory } : {}),
          ...(cluster ? { cluster } : {}),
          ...(autoApply === undefined ? {} : { autoApply }),
          ...(prune === undefined ? {} : { prune }),
        },
      },
    ),
  );
  return { fabricId: createFabric.id, repositoryId: createRepository.id };
}

/** Starts `mutation(fabricId: …)` (syncFabric, applyFabric, …) without waiting; returns the operation id. */
export async function startFabricOperation(
  t: GraphQLClient,
  mutation: string,
  fabricId: string,
): Promise<string> {
  const started = dataOf(
    await t.gql<Record<string, { id: string }>>(`mutation($f: ID!) { ${mutation}(fabricId: $f) { id } }`, {
      f: fabricId,
    }),
  );
  return Object.values(started)[0]!.id;
}

/** Starts the operation and follows it; returns its id and final status. */
export async function runFabricOperation(t: TestApp, mutation: string, fabricId: string) {
  const id = await startFabricOperation(t, mutation, fabricId);
  return { id, status: (await followOperation(t.url, t.adminToken, id)).at(-1) };
}

/** The set-up the graph tests share: a fabric synced from a repository holding given objects. */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { fabricFiles } from '../support/fixtures/index.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

export interface GraphStack {
  t: TestApp;
  git: GitServer;
}

/** Deep graph walks are what this API is for; the default cost limit is for untrusted clients. */
export const UNLIMITED_COST = { FABRIC_SYNC_MAX_QUERY_COST: '10000000' };

/**
 * Starts, for the file's tests, an API-only replica (no background scans, so statement counts are
 * the query's own) with `env`, and a git server.
 */
export function useGraphStack(env: Record<string, string> = {}): GraphStack {
  const stack = {} as GraphStack;
  beforeAll(async () => {
    [stack.t, stack.git] = await Promise.all([
      startTestApp({
        env: { FABRIC_SYNC_RESCAN_SECONDS: '0', ...env },
      }),
      startGitServer(),
    ]);
  });
  afterAll(async () => {
    await stack.t?.close();
    await stack.git?.close();
  });
  return stack;
}

/** The global id of record `kind/name` of a fabric. */
export async function recordId(t: TestApp, fabricId: string, kind: string, name: string): Promise<string> {
  const data = dataOf(
    await t.gql<{ records: { nodes: { id: string }[] } }>(
      `query($f: ID!, $k: Kind, $n: String) { records(fabricId: $f, kind: $k, filter: { name: $n }) { nodes { id } } }`,
      { f: fabricId, k: kind, n: name },
    ),
  );
  return data.records.nodes[0]!.id;
}

/** Syncs a new fabric `name` from a repository of `manifests` (or of `files`); returns its id. */
export async function syncedFabric(
  t: TestApp,
  git: GitServer,
  name: string,
  content: readonly Manifest[] | Record<string, string>,
): Promise<string> {
  const files = Array.isArray(content)
    ? fabricFiles(content, { files: 20 })
    : (content as Record<string, string>);
  const repo = await git.createRepo(name, files);
  const { fabricId } = await createFabricWithRepository(t, { name, url: repo.httpUrl });
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
  return fabricId;
}

/** SQL statements a query runs, leaving out the token look-up every request makes. */
export async function statementsOf(t: TestApp, run: () => Promise<unknown>): Promise<number> {
  t.queries.length = 0;
  await run();
  return t.queries.filter((sql) => !sql.includes('api_token')).length;
}

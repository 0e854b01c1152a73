/** The set-up the graph tests share: a fabric synced from a repository holding given objects. */
import { expect } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import type { TestApp } from '../support/app.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { fabricFiles } from '../support/fixtures/index.js';
import type { GitServer } from '../support/git-server.js';

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

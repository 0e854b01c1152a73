/**
 * A git sync reads at most FABRIC_SYNC_SYNC_MAX_FILES files, _BYTES bytes and _DOCUMENTS documents,
 * counted over every file of the commit: a blob under two paths counts twice, empty documents
 * count, and unchanged files from the parse cache count too. Over a limit, the operation fails
 * with one SYNC_TOO_LARGE error naming the limit and its setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { startGitServer, type FileMap, type GitServer, type TestRepo } from '../support/git-server.js';

const USER = { username: 'limits-bot', password: 'limits-password-7c21' };
const LIMITS = { files: 3, bytes: 2_000, documents: 10 };
const empties = (documents: number) => '---\n{}\n'.repeat(documents);

interface StoredOperation {
  readonly status: string;
  readonly message: string | null;
  readonly errorCount: number;
  readonly errors: { code: string | null; message: string }[];
}

let t: TestApp;
let git: GitServer;
beforeAll(async () => {
  [t, git] = await Promise.all([
    startTestApp({
      env: {
        FABRIC_SYNC_SYNC_MAX_FILES: String(LIMITS.files),
        FABRIC_SYNC_SYNC_MAX_BYTES: String(LIMITS.bytes),
        FABRIC_SYNC_SYNC_MAX_DOCUMENTS: String(LIMITS.documents),
      },
    }),
    startGitServer({ users: [USER] }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

const fabricReading = async (name: string, files: FileMap): Promise<{ repo: TestRepo; fabricId: string }> => {
  const repo = await git.createRepo(name, files);
  const { fabricId } = await createFabricWithRepository(t, {
    name,
    url: repo.httpUrl,
    directory: 'fab',
    auth: { kind: 'BASIC', username: USER.username, secret: USER.password },
  });
  return { repo, fabricId };
};

const sync = async (fabricId: string): Promise<StoredOperation> => {
  const { id } = await runFabricOperation(t, 'syncFabric', fabricId);
  return dataOf(
    await t.gql<{ operation: StoredOperation }>(
      `query($id: ID!) { operation(id: $id) { status message errorCount errors { code message } } }`,
      { id },
    ),
  ).operation;
};

const refusedFor = (op: StoredOperation, limit: string, setting: string) => {
  expect(op.status).toBe('FAILED');
  expect(op.message).toBe(
    `"fab" holds more than ${limit}, the limit of one sync (${setting}); the database keeps the previous state`,
  );
  expect(op.errorCount).toBe(1);
  expect(op.errors).toEqual([{ code: 'SYNC_TOO_LARGE', message: op.message }]);
};

describe('git sync limits', () => {
  it('refuses more files than FABRIC_SYNC_SYNC_MAX_FILES', async () => {
    const files = Object.fromEntries(['a', 'b', 'c', 'd'].map((f) => [`fab/${f}.yaml`, empties(1)]));
    const { fabricId } = await fabricReading('too-many-files', files);
    refusedFor(await sync(fabricId), '3 YAML files', 'FABRIC_SYNC_SYNC_MAX_FILES');
  });

  it('refuses more bytes than FABRIC_SYNC_SYNC_MAX_BYTES', async () => {
    const { fabricId } = await fabricReading('too-many-bytes', {
      'fab/big.yaml': `# ${'x'.repeat(LIMITS.bytes)}\n${empties(1)}`,
    });
    refusedFor(await sync(fabricId), '2000 bytes of YAML', 'FABRIC_SYNC_SYNC_MAX_BYTES');
  });

  it('counts the documents of one blob once per path, empty ones included', async () => {
    const { fabricId } = await fabricReading('same-blob-twice', {
      'fab/a.yaml': empties(6),
      'fab/b.yaml': empties(6),
    });
    refusedFor(await sync(fabricId), '10 documents', 'FABRIC_SYNC_SYNC_MAX_DOCUMENTS');
  });

  it('counts the documents of unchanged files taken from the parse cache', async () => {
    const { repo, fabricId } = await fabricReading('cached-documents', {
      'fab/a.yaml': empties(4),
      'fab/b.yaml': empties(4),
    });
    const within = await sync(fabricId);
    expect(within.message).toBe('8 YAML error(s) in 2 file(s)');
    await repo.push({ 'fab/c.yaml': empties(3) }, 'three more documents');
    refusedFor(await sync(fabricId), '10 documents', 'FABRIC_SYNC_SYNC_MAX_DOCUMENTS');
  });
});

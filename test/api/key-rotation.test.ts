/** Key rotation: rotate-secrets moves every stored secret to the new key, and the old key can then go. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.js';
import { rotateStoredSecrets } from '../../src/sync/secret-rotation.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dataOf, startTestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');
let db: TestDatabase;
let git: GitServer;
beforeAll(async () => {
  [db, git] = await Promise.all([
    createTestDatabase(),
    startGitServer({ users: [{ username: 'bot', password: 'rotation-password-1' }] }),
  ]);
});
afterAll(async () => {
  await db?.close();
  await git?.close();
});

const ciphertexts = async () =>
  (
    await db.orm.em.getConnection().execute<{ c: string }[]>(
      `select credential_ciphertext as c from git_repository where credential_ciphertext is not null
         union all select webhook_secret_ciphertext from git_repository where webhook_secret_ciphertext is not null
         union all select cluster_token_ciphertext from fabric where cluster_token_ciphertext is not null`,
    )
  ).map((r) => r.c);

describe('rotate-secrets', () => {
  it('re-encrypts every secret with the first key, after which the old key is not needed', async () => {
    const before = await startTestApp({ db, env: { FABRIC_SYNC_SECRET_KEYS: OLD } });
    const repo = await git.createRepo('rotating', { 'a.yaml': '' });
    const { createRepository } = dataOf(
      await before.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        {
          i: {
            name: 'rotating',
            url: repo.httpUrl,
            auth: { kind: 'BASIC', username: 'bot', secret: 'rotation-password-1' },
            webhookSecret: 'a-webhook-secret-value',
          },
        },
      ),
    );
    dataOf(
      await before.gql(`mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`, {
        i: { name: 'f', cluster: { server: 'https://127.0.0.1:1', token: 'a-cluster-token' } },
      }),
    );
    await before.close();

    const oldBox = SecretBox.fromKeyList(OLD);
    expect((await ciphertexts()).every((c) => oldBox.isCurrent(c))).toBe(true);
    const result = await rotateStoredSecrets(db.orm, SecretBox.fromKeyList(`${NEW},${OLD}`));
    expect(result).toEqual({ rotated: 3, unchanged: 0 });
    const newBox = SecretBox.fromKeyList(NEW);
    expect((await ciphertexts()).every((c) => newBox.isCurrent(c))).toBe(true);
    expect(await rotateStoredSecrets(db.orm, SecretBox.fromKeyList(`${NEW},${OLD}`))).toEqual({
      rotated: 0,
      unchanged: 3,
    });

    // Only the new key now: the stored password still opens and authenticates against the remote.
    const after = await startTestApp({ db, env: { FABRIC_SYNC_SECRET_KEYS: NEW } });
    const test = dataOf(
      await after.gql<{ testRepositoryConnection: { connectionStatus: string } }>(
        `mutation($id: ID!) { testRepositoryConnection(id: $id) { connectionStatus } }`,
        {
          id: createRepository.id,
        },
      ),
    );
    expect(test.testRepositoryConnection.connectionStatus).toBe('CONNECTED');
    await after.close();
  });

  it('writes nothing when one secret cannot be opened', async () => {
    const stranger = SecretBox.fromKeyList(randomBytes(32).toString('hex'));
    const before = await ciphertexts();
    await expect(rotateStoredSecrets(db.orm, stranger)).rejects.toThrow(/cannot rotate secret/);
    expect(await ciphertexts()).toEqual(before);
  });
});

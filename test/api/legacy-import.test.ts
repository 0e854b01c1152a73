/**
 * Import from the predecessor: its Fernet-encrypted credentials (key = first 32 bytes of its Django
 * SECRET_KEY) are re-sealed with our keys, and the imported repository authenticates for real.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyFernetKey } from '../../src/security/legacy-import.js';
import { importLegacyRepositories } from '../../src/sync/legacy-import.js';
import { encryptFernet } from '../security/support/fernet-encrypt.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { Redactor } from '../../src/security/redactor.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Vault } from '../../src/security/vault.js';
import { GitSource } from '../../src/git/git-source.js';

const DJANGO_SECRET_KEY = 'django-insecure-legacy-key-for-the-import-test-0123456789';
const USER = { username: 'legacy-bot', password: 'legacy-password-4567' };
const KEYS = randomBytes(32).toString('hex');

let t: TestApp;
let git: GitServer;
beforeAll(async () => {
  [t, git] = await Promise.all([
    startTestApp({ env: { FABRIC_SYNC_SECRET_KEYS: KEYS } }),
    startGitServer({ users: [USER] }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

const sealed = (credentials: object) =>
  Buffer.from(encryptFernet(JSON.stringify(credentials), legacyFernetKey(DJANGO_SECRET_KEY))).toString(
    'base64',
  );

describe('legacy import', () => {
  it('re-encrypts the old credentials, skips what it cannot take, and the result authenticates', async () => {
    const repo = await git.createRepo('legacy', { 'a.yaml': '' });
    const exportText = JSON.stringify([
      {
        model: 'netbox_hedgehog.gitrepository',
        pk: 1,
        fields: {
          name: 'legacy-wiring',
          url: repo.httpUrl,
          authentication_type: 'basic',
          encrypted_credentials: sealed({ username: USER.username, password: USER.password }),
        },
      },
      {
        model: 'netbox_hedgehog.gitrepository',
        pk: 2,
        fields: {
          name: 'tampered',
          url: repo.httpUrl,
          authentication_type: 'token',
          encrypted_credentials: sealed({ token: 'x' }).replace(/.{8}$/, 'AAAAAAA='),
        },
      },
      {
        model: 'netbox_hedgehog.gitrepository',
        pk: 3,
        fields: {
          name: 'evil',
          url: 'ext::sh -c id',
          authentication_type: 'token',
          encrypted_credentials: '',
        },
      },
      { model: 'dcim.site', pk: 9, fields: { name: 'ignored' } },
    ]);
    const vault = new Vault(SecretBox.fromKeyList(KEYS), new Redactor());
    const gitSource = new GitSource({ cacheDir: '/tmp/unused', allowedSchemes: ['http', 'https', 'ssh'] });
    const report = await importLegacyRepositories(
      { orm: t.db.orm, vault, git: gitSource },
      exportText,
      DJANGO_SECRET_KEY,
    );
    expect(report.imported).toEqual(['legacy-wiring']);
    expect(report.skipped.map((s) => s.name).sort()).toEqual(['evil', 'tampered']);
    expect(JSON.stringify(report)).not.toContain(USER.password);

    const { repositories } = dataOf(
      await t.gql<{
        repositories: { nodes: { id: string; name: string; authKind: string; hasCredentials: boolean }[] };
      }>(`{ repositories { nodes { id name authKind hasCredentials } } }`),
    );
    const imported = repositories.nodes.find((r) => r.name === 'legacy-wiring')!;
    expect(imported).toMatchObject({ authKind: 'BASIC', hasCredentials: true });
    const test = dataOf(
      await t.gql<{ testRepositoryConnection: { connectionStatus: string } }>(
        `mutation($id: ID!) { testRepositoryConnection(id: $id) { connectionStatus } }`,
        { id: imported.id },
      ),
    );
    expect(test.testRepositoryConnection.connectionStatus).toBe('CONNECTED');
  });
});

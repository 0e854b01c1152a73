/**
 * The global leak scan: seed recognisable secrets through every input that takes one, make the
 * server use them (including failures that echo remote errors), then look for any form of them in
 * every response, log line, event and database row outside the ciphertext columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { collect, wsClient } from '../support/subscriptions.js';
import { findLeaks } from '../security/support/leak-scan.js';

const SECRETS = {
  repoPassword: 'leak-canary-repo-password-7f3a',
  repoToken: 'leak-canary-repo-token-91bc',
  webhook: 'leak-canary-webhook-secret-2d4e',
  clusterToken: 'leak-canary-cluster-token-5a6b',
  sshKey:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nleakcanarysshkeymaterial0123456789\n-----END OPENSSH PRIVATE KEY-----\n',
};
const SECRET_VALUES = [...Object.values(SECRETS), 'leakcanarysshkeymaterial0123456789'];

let t: TestApp;
let git: GitServer;
const responses: string[] = [];
beforeAll(async () => {
  [t, git] = await Promise.all([
    startTestApp(),
    startGitServer({ users: [{ username: 'bot', password: 'the-right-password-123' }] }),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) {
  const result = await t.gql<T>(query, variables);
  responses.push(JSON.stringify(result));
  return result;
}

describe('secrets', () => {
  it('appear in no response, log line, event or database row outside ciphertext', async () => {
    const repo = await git.createRepo('leaky', { 'a.yaml': '' });
    const ids: string[] = [];
    for (const [name, auth] of [
      ['basic', { kind: 'BASIC', username: 'bot', secret: SECRETS.repoPassword }],
      ['token', { kind: 'TOKEN', secret: SECRETS.repoToken }],
      ['ssh', { kind: 'SSH_KEY', privateKey: SECRETS.sshKey }],
    ] as const) {
      const result = await call<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id name hasCredentials } }`,
        {
          i: {
            name,
            url: name === 'ssh' ? 'ssh://git@127.0.0.1:1/leaky.git' : repo.httpUrl,
            auth,
            webhookSecret: SECRETS.webhook,
          },
        },
      );
      ids.push(dataOf(result).createRepository.id);
    }
    // Failing connections make git print its own errors, which pass through the redactor.
    for (const id of ids)
      await call(
        `mutation($id: ID!) { testRepositoryConnection(id: $id) { connectionStatus connectionMessage } }`,
        { id },
      );
    const fabric = dataOf(
      await call<{ createFabric: { id: string } }>(
        `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id cluster { hasToken } } }`,
        {
          i: {
            name: 'leaky',
            repositoryId: ids[0],
            cluster: { server: 'https://127.0.0.1:9', token: SECRETS.clusterToken },
          },
        },
      ),
    );
    const client = wsClient(t.url, t.adminToken);
    const { syncFabric } = dataOf(
      await call<{ syncFabric: { id: string } }>(`mutation($f: ID!) { syncFabric(fabricId: $f) { id } }`, {
        f: fabric.createFabric.id,
      }),
    );
    const events = await collect<{ operationProgress: { status: string } }>(
      client,
      `subscription($id: ID!) { operationProgress(operationId: $id) { status message stage { name status } operation { errors { message } } } }`,
      { id: syncFabric.id },
      (e) => ['SUCCEEDED', 'FAILED'].includes(e.operationProgress.status),
    ).done;
    await client.dispose();
    await call(
      `{ repositories { nodes { id name url authKind username hasCredentials connectionMessage } } fabrics { nodes { cluster { server caCert hasToken } } } }`,
    );

    const tables = ['git_repository', 'fabric', 'operation', 'record', 'api_token'];
    const rows: Record<string, string> = {};
    for (const table of tables) {
      const data: Record<string, unknown>[] = await t.db.orm.em
        .getConnection()
        .execute(`select * from ${table}`);
      const withoutCiphertext = data.map((row) =>
        Object.fromEntries(Object.entries(row).filter(([column]) => !column.endsWith('_ciphertext'))),
      );
      rows[`table ${table}`] = JSON.stringify(withoutCiphertext);
    }
    const leaks = findLeaks(
      { responses: responses.join('\n'), logs: t.logs.join(''), events: JSON.stringify(events), ...rows },
      SECRET_VALUES,
    );
    expect(leaks).toEqual([]);
    // The scan must have seen what it scanned: errors from git were logged or returned.
    expect(responses.join('\n')).toContain('AUTH_FAILED');
  });
});

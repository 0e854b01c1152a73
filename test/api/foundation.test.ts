/**
 * The foundation through the real HTTP API: authentication, CRUD with clear errors, Relay ids,
 * pagination and filters, and write-only secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const CREATE_FABRIC = `mutation($input: CreateFabricInput!) { createFabric(input: $input) { id name directory cluster { server namespace hasToken insecureSkipTlsVerify } } }`;
const CREATE_REPO = `mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { id name url authKind username hasCredentials hasWebhookSecret } }`;

describe('authentication', () => {
  it('refuses a request without a token with HTTP 401 and UNAUTHENTICATED', async () => {
    const result = await t.gql('{ fabrics { totalCount } }', {}, null);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unknown token the same way', async () => {
    const result = await t.gql(
      '{ fabrics { totalCount } }',
      {},
      'fst_not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxxx',
    );
    expect(result.status).toBe(401);
  });

  it('answers the bootstrap admin', async () => {
    const data = dataOf(
      await t.gql<{ viewer: { tokenName: string; grants: { role: string }[] } }>(
        '{ viewer { tokenName grants { role } } }',
      ),
    );
    expect(data.viewer.grants).toEqual([{ role: 'ADMIN' }]);
  });
});

describe('repositories', () => {
  it('stores credentials write-only and reports only that they are set', async () => {
    const data = dataOf(
      await t.gql<{ createRepository: Record<string, unknown> }>(CREATE_REPO, {
        input: {
          name: 'wiring',
          url: 'https://git.example.com/org/wiring.git',
          auth: { kind: 'BASIC', username: 'bot', secret: 'hunter2-very-secret' },
          webhookSecret: 'webhook-secret-0123456789',
        },
      }),
    );
    expect(data.createRepository).toMatchObject({
      name: 'wiring',
      authKind: 'BASIC',
      username: 'bot',
      hasCredentials: true,
      hasWebhookSecret: true,
    });
    expect(JSON.stringify(data)).not.toContain('hunter2');
  });

  it('refuses a URL scheme that is not allowed, naming the setting', async () => {
    const result = await t.gql(CREATE_REPO, { input: { name: 'ftp', url: 'ftp://git.example.com/r.git' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('FABRIC_SYNC_GIT_ALLOW_SCHEMES');
  });

  it('refuses transports that run commands', async () => {
    const result = await t.gql(CREATE_REPO, { input: { name: 'evil', url: 'ext::sh -c touch% /tmp/pwned' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.url');
  });

  it('answers CONFLICT for a duplicate name and writes nothing', async () => {
    const input = { name: 'dup-repo', url: 'https://git.example.com/a.git' };
    dataOf(await t.gql(CREATE_REPO, { input }));
    const again = await t.gql(CREATE_REPO, { input: { ...input, url: 'https://git.example.com/b.git' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toBe('a repository named "dup-repo" already exists');
    const list = dataOf(
      await t.gql<{ repositories: { nodes: { url: string }[] } }>(
        `{ repositories(filter: { nameContains: "dup-repo" }) { nodes { url } } }`,
      ),
    );
    expect(list.repositories.nodes).toEqual([{ url: 'https://git.example.com/a.git' }]);
  });

  it('requires the secret for TOKEN auth', async () => {
    const result = await t.gql(CREATE_REPO, {
      input: { name: 'nosecret', url: 'https://x.example/r.git', auth: { kind: 'TOKEN' } },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.auth.secret',
    });
  });
});

describe('fabrics', () => {
  it('normalizes the directory and keeps the cluster token write-only', async () => {
    const data = dataOf(
      await t.gql<{ createFabric: { id: string; directory: string; cluster: Record<string, unknown> } }>(
        CREATE_FABRIC,
        {
          input: {
            name: 'east',
            directory: './fabrics//east/',
            cluster: { server: 'https://10.0.0.1:6443', token: 'cluster-token-abcdef' },
          },
        },
      ),
    );
    expect(data.createFabric.directory).toBe('fabrics/east');
    expect(data.createFabric.cluster).toEqual({
      server: 'https://10.0.0.1:6443',
      namespace: 'default',
      hasToken: true,
      insecureSkipTlsVerify: false,
    });
    expect(JSON.stringify(data)).not.toContain('cluster-token-abcdef');
  });

  it.each([
    [{ name: 'Bad Name' }, 'input.name'],
    [{ name: 'ok-name', directory: '../outside' }, 'input.directory'],
    [{ name: 'ok-name', cluster: { server: 'http://10.0.0.1:6443' } }, 'input.cluster.server'],
    [
      { name: 'ok-name', cluster: { server: 'https://x:6443', caCert: 'not a certificate' } },
      'input.cluster.caCert',
    ],
    [{ name: 'ok-name', syncIntervalSeconds: 5 }, 'input.syncIntervalSeconds'],
  ])('refuses %j with BAD_USER_INPUT naming %s', async (input, field) => {
    const result = await t.gql(CREATE_FABRIC, { input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const found = dataOf(await t.gql<{ fabric: unknown }>(`{ fabric(name: "ok-name") { id } }`));
    expect(found.fabric).toBeNull();
  });

  it('answers CONFLICT for a duplicate name', async () => {
    dataOf(await t.gql(CREATE_FABRIC, { input: { name: 'twice' } }));
    const again = await t.gql(CREATE_FABRIC, { input: { name: 'twice' } });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(again.errors?.[0]?.message).toBe('a fabric named "twice" already exists');
  });

  it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a garbled one', async () => {
    const unknown = Buffer.from('Fabric:00000000-0000-4000-8000-000000000000').toString('base64url');
    const missing = await t.gql(
      `mutation($id: ID!) { updateFabric(id: $id, input: { description: "x" }) { id } }`,
      { id: unknown },
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const garbled = await t.gql(
      `mutation { updateFabric(id: "nonsense", input: { description: "x" }) { id } }`,
    );
    expect(garbled.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('resolves any object through node(id)', async () => {
    const { createFabric } = dataOf(
      await t.gql<{ createFabric: { id: string } }>(CREATE_FABRIC, { input: { name: 'by-node' } }),
    );
    const data = dataOf(
      await t.gql<{ node: { __typename: string; name: string } }>(
        `query($id: ID!) { node(id: $id) { __typename ... on Fabric { name } } }`,
        { id: createFabric.id },
      ),
    );
    expect(data.node).toEqual({ __typename: 'Fabric', name: 'by-node' });
  });

  it('pages with first/after in name order and counts the whole filtered set', async () => {
    for (const n of [1, 2, 3, 4, 5]) dataOf(await t.gql(CREATE_FABRIC, { input: { name: `page-${n}` } }));
    expect(await allPages('fabrics', 'page-', 5)).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
  });

  it('pages repositories the same way', async () => {
    for (const n of [3, 1, 2])
      dataOf(
        await t.gql(CREATE_REPO, { input: { name: `rpage-${n}`, url: `https://git.example.com/${n}.git` } }),
      );
    expect(await allPages('repositories', 'rpage-', 3)).toEqual(['rpage-1', 'rpage-2', 'rpage-3']);
  });

  it('deletes a fabric and answers with its id', async () => {
    const { createFabric } = dataOf(
      await t.gql<{ createFabric: { id: string } }>(CREATE_FABRIC, { input: { name: 'doomed' } }),
    );
    const deleted = dataOf(
      await t.gql<{ deleteFabric: string }>(`mutation($id: ID!) { deleteFabric(id: $id) }`, {
        id: createFabric.id,
      }),
    );
    expect(deleted.deleteFabric).toBe(createFabric.id);
    const data = dataOf(
      await t.gql<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: createFabric.id }),
    );
    expect(data.node).toBeNull();
  });
});

describe('service endpoints', () => {
  it('serves health, readiness and metrics without a token', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('fabric_sync_http_request_duration_seconds');
  });
});

/** Every name of a list, two at a time through first/after; each page must count the whole filtered set. */
async function allPages(list: 'fabrics' | 'repositories', prefix: string, total: number): Promise<string[]> {
  const query = `query($after: String, $prefix: String) { ${list}(first: 2, after: $after, filter: { nameContains: $prefix }) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`;
  type Page = Record<
    string,
    { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { name: string }[] }
  >;
  const names: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page[string] = dataOf(await t.gql<Page>(query, { after, prefix }))[list]!;
    expect(page.totalCount).toBe(total);
    names.push(...page.nodes.map((n) => n.name));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return names;
}

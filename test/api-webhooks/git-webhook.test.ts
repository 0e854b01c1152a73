import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/ids.js';
import type { GitRepository } from '../../src/store/entities/index.js';
import { startHarness, type Harness } from '../scheduler/harness.js';
import { PROVIDERS, push, SECRET, serveWebhooks, type WebhookServer } from './support.js';

const MAX_BODY = 16 * 1024;

describe('POST /webhooks/git/:repositoryId', () => {
  let h: Harness;
  let server: WebhookServer;
  let repo: GitRepository;

  beforeAll(async () => {
    h = await startHarness();
    server = await serveWebhooks({
      orm: h.orm,
      vault: h.vault,
      operations: h.operations,
      log: h.log,
      maxBodyBytes: MAX_BODY,
    });
    repo = await h.createRepository({ webhookSecret: SECRET });
  });

  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  const post = (repositoryId: string, request: Parameters<WebhookServer['post']>[1]) =>
    server.post(repositoryId, request);

  async function triggeredBy(request: () => Promise<Response>) {
    const fabric = await h.createFabric({ repository: repo });
    const response = await request();
    await h.settled();
    return { response, fabric, operations: await h.operationsOf(fabric.id) };
  }

  describe.each(PROVIDERS)('from %s', (provider) => {
    it('starts an operation triggered by WEBHOOK for a correctly signed push', async () => {
      const { response, fabric, operations } = await triggeredBy(() => post(repo.id, push(provider)));
      expect(response.status).toBe(202);
      const body = (await response.json()) as { operations: { fabricId: string }[] };
      expect(body.operations).toContainEqual(
        expect.objectContaining({ fabricId: toGlobalId('Fabric', fabric.id) }),
      );
      expect(operations.map((op) => [op.type, op.trigger, op.status])).toEqual([
        ['GIT_SYNC', 'WEBHOOK', 'SUCCEEDED'],
      ]);
    });

    it('refuses a push signed with another secret with 401 and starts nothing', async () => {
      const { response, operations } = await triggeredBy(() =>
        post(repo.id, push(provider, { secret: 'another-secret-0123456789' })),
      );
      expect(response.status).toBe(401);
      expect(operations).toEqual([]);
    });
  });

  it('refuses a GitHub push whose body was changed after signing', async () => {
    const signed = push('github');
    const { response, operations } = await triggeredBy(() =>
      post(repo.id, { ...signed, body: signed.body.replace('main', 'prod') }),
    );
    expect(response.status).toBe(401);
    expect(operations).toEqual([]);
  });

  it('accepts the GraphQL id of the repository as well as its UUID', async () => {
    const { response, operations } = await triggeredBy(() =>
      post(toGlobalId('GitRepository', repo.id), push('gitea')),
    );
    expect(response.status).toBe(202);
    expect(operations).toHaveLength(1);
  });

  it('accepts its UUID in upper case too', async () => {
    const { response, operations } = await triggeredBy(() => post(repo.id.toUpperCase(), push('gitea')));
    expect(response.status).toBe(202);
    expect(operations).toHaveLength(1);
  });

  it('answers 404 for an unknown repository and for an id that is not one', async () => {
    expect((await post('00000000-0000-4000-8000-000000000000', push('github'))).status).toBe(404);
    expect((await post(toGlobalId('Fabric', repo.id), push('github'))).status).toBe(404);
    expect((await post('not-an-id', push('github'))).status).toBe(404);
  });

  it('answers 413 for a body over the limit, and starts nothing', async () => {
    const big = { ...push('github'), body: JSON.stringify({ pad: 'x'.repeat(MAX_BODY) }) };
    const { response, operations } = await triggeredBy(() => post(repo.id, big));
    expect(response.status).toBe(413);
    expect(operations).toEqual([]);
  });

  it('answers 403 with a clear message when the repository has no webhook secret', async () => {
    const bare = await h.createRepository();
    const response = await post(bare.id, push('github'));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/no webhook secret/);
  });

  it('acknowledges non-push events, tag pushes and branch deletions with 202 and starts nothing', async () => {
    const ping = push('github');
    const { response, fabric } = await triggeredBy(() =>
      post(repo.id, { ...ping, headers: { ...ping.headers, 'x-github-event': 'ping' } }),
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ignored: 'not a push event' });
    const tag = await post(repo.id, push('gitlab', { ref: 'refs/tags/v1' }));
    expect(await tag.json()).toEqual({ ignored: 'refs/tags/v1 is not a branch' });
    const deleted = await post(repo.id, push('gitea', { after: '0'.repeat(40) }));
    expect(await deleted.json()).toEqual({ ignored: 'branch main was deleted' });
    await h.settled();
    expect(await h.operationsOf(fabric.id)).toEqual([]);
  });

  it('answers 400 for a request without any known provider header', async () => {
    const response = await post(repo.id, { body: '{}', headers: {} });
    expect(response.status).toBe(400);
  });

  it('starts only the fabrics that read the pushed branch (own branch, else the default)', async () => {
    const other = await h.createRepository({ webhookSecret: SECRET, defaultBranch: 'trunk' });
    const onDefault = await h.createFabric({ repository: other });
    const onTrunk = await h.createFabric({ repository: other, branch: 'trunk' });
    const onRelease = await h.createFabric({ repository: other, branch: 'release' });
    const elsewhere = await h.createFabric({ repository: repo, branch: 'trunk' });

    const response = await post(other.id, push('github', { ref: 'refs/heads/trunk' }));
    await h.settled();
    expect(response.status).toBe(202);
    const count = async (id: string) => (await h.operationsOf(id)).length;
    expect(await count(onDefault.id)).toBe(1);
    expect(await count(onTrunk.id)).toBe(1);
    expect(await count(onRelease.id)).toBe(0);
    expect(await count(elsewhere.id)).toBe(0);

    await post(other.id, push('gitlab', { ref: 'refs/heads/release' }));
    await h.settled();
    expect(await count(onRelease.id)).toBe(1);
    expect(await count(onTrunk.id)).toBe(1);
  });

  it('joins the operation already running for a fabric instead of starting a second one', async () => {
    const solo = await h.createRepository({ webhookSecret: SECRET });
    const fabric = await h.createFabric({ repository: solo });
    const release = h.pipeline.hold();
    const first = (await (await post(solo.id, push('github'))).json()) as {
      operations: { operationId: string }[];
    };
    const second = (await (await post(solo.id, push('gitea'))).json()) as {
      operations: { operationId: string }[];
    };
    release();
    await h.settled();
    expect(second.operations[0]?.operationId).toBe(first.operations[0]?.operationId);
    expect(await h.operationsOf(fabric.id)).toHaveLength(1);
  });
});

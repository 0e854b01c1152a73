/**
 * Nobody leaves their fabric: a per-fabric editor cannot move its fabric onto another's Git
 * directory or cluster, a new cluster server never gets the stored token, and no two fabrics may
 * hold the same directory (or nested ones) of a branch, or the same cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import { dataOf, startTestApp, type GraphQLResult, type TestApp } from '../support/app.js';

let t: TestApp;
const repos: Record<'main' | 'other', string> = { main: '', other: '' };
let fabricA: string;
let fabricB: string;
let editorA: string;

const CREATE = `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { id directory cluster { server } } }`;

const createFabric = (input: Record<string, unknown>, token?: string) => t.gql(CREATE, { i: input }, token);
const updateFabric = (id: string, input: Record<string, unknown>, token?: string) =>
  t.gql<{ updateFabric: { directory: string; cluster: { server: string } | null } }>(
    UPDATE,
    { id, i: input },
    token,
  );
const created = async (input: Record<string, unknown>) =>
  dataOf(await t.gql<{ createFabric: { id: string } }>(CREATE, { i: input })).createFabric.id;
const codeOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;
const cluster = (server: string, namespace = 'default') => ({ server, token: 'a-cluster-token', namespace });

beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['main', 'other'] as const) {
    const { createRepository } = dataOf(
      await t.gql<{ createRepository: { id: string } }>(
        `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
        { i: { name: `repo-${name}`, url: `https://127.0.0.1:1/${name}.git`, defaultBranch: 'main' } },
      ),
    );
    repos[name] = createRepository.id;
  }
  fabricA = await created({
    name: 'a',
    repositoryId: repos.main,
    directory: 'fabrics/a',
    cluster: cluster('https://10.0.0.1:6443'),
  });
  fabricB = await created({
    name: 'b',
    repositoryId: repos.main,
    directory: 'fabrics/b',
    cluster: cluster('https://10.0.0.2:6443'),
  });
  const { createApiToken } = dataOf(
    await t.gql<{ createApiToken: { token: string } }>(
      `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`,
      { i: { name: 'editor-a', grants: [{ role: 'EDITOR', fabricId: fabricA }] } },
    ),
  );
  editorA = createApiToken.token;
});
afterAll(async () => t?.close());

describe("a per-fabric editor stays in its fabric's place", () => {
  it.each([
    ['directory', { directory: 'fabrics/b' }],
    ['branch', { branch: 'other' }],
    ['repositoryId', { repositoryId: '' }],
    ['cluster', { cluster: cluster('https://10.0.0.9:6443') }],
    ['clearCluster', { clearCluster: true }],
  ])('may not change %s (FORBIDDEN), and nothing changes', async (_field, input) => {
    const withIds = 'repositoryId' in input ? { repositoryId: repos.other } : input;
    const result = await updateFabric(fabricA, withIds, editorA);
    expect(codeOf(result), JSON.stringify(result)).toBe('FORBIDDEN');
    const { fabric } = dataOf(
      await t.gql<{ fabric: { directory: string; branch: string | null; cluster: { server: string } } }>(
        `query($id: ID) { fabric(id: $id) { directory branch cluster { server } } }`,
        { id: fabricA },
      ),
    );
    expect(fabric).toEqual({
      directory: 'fabrics/a',
      branch: null,
      cluster: { server: 'https://10.0.0.1:6443' },
    });
  });

  it('may still change its other settings', async () => {
    const input = { description: 'd', lifecycle: 'ACTIVE', syncIntervalSeconds: 60, autoApply: true };
    const result = await updateFabric(fabricA, { ...input, prune: true, selfHeal: true }, editorA);
    expect(result.errors).toBeUndefined();
  });
});

describe('a new cluster server', () => {
  it('needs a token in the same input: the stored one never goes to another server', async () => {
    const result = await updateFabric(fabricA, { cluster: { server: 'https://10.0.0.8:6443' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.cluster.token');
    const kept = await updateFabric(fabricA, {
      cluster: { server: 'https://10.0.0.1:6443/', namespace: 'default' },
    });
    expect(kept.errors, 'the same server, normalized, keeps its token').toBeUndefined();
  });
});

describe('no two fabrics hold the same place', () => {
  it.each([
    ['the same directory', { repositoryId: 'main', directory: 'fabrics/a' }],
    ['a directory inside another', { repositoryId: 'main', directory: 'fabrics/a/inner' }],
    ['a directory around another', { repositoryId: 'main', directory: 'fabrics' }],
    ['the repository root', { repositoryId: 'main', directory: '' }],
    ['the default branch named explicitly', { repositoryId: 'main', branch: 'main', directory: 'fabrics/a' }],
    ['the same cluster', { cluster: cluster('https://10.0.0.1:6443') }],
    ['the same cluster, spelled differently', { cluster: cluster('https://10.0.0.1:6443/') }],
    // Every object of a fabric lives in namespace default (REFERENCE: the webhook accepts no
    // other), so another namespace setting does not keep two fabrics apart on one cluster.
    ['another namespace of the same cluster', { cluster: cluster('https://10.0.0.1:6443', 'other') }],
  ])('refuses %s (CONFLICT naming the other)', async (_case, input) => {
    const withIds = 'repositoryId' in input ? { ...input, repositoryId: repos.main } : input;
    const result = await createFabric({ name: 'intruder', ...withIds });
    expect(codeOf(result), JSON.stringify(result)).toBe('CONFLICT');
    expect(result.errors?.[0]?.message).toMatch(/fabric "[ab]"/);
  });

  it.each([
    ['a sibling directory', { repositoryId: 'main', directory: 'fabrics/c' }],
    ['a directory whose name only starts alike', { repositoryId: 'main', directory: 'fabrics/ab' }],
    ['the same directory of another branch', { repositoryId: 'main', branch: 'dev', directory: 'fabrics/a' }],
    ['the same directory of another repository', { repositoryId: 'other', directory: 'fabrics/a' }],
    ['another cluster', { cluster: cluster('https://10.0.0.9:6443') }],
  ])('accepts %s', async (_case, input) => {
    const withIds =
      'repositoryId' in input ? { ...input, repositoryId: repos[input.repositoryId as 'main'] } : input;
    const name = `ok-${Math.random().toString(36).slice(2, 8)}`;
    const result = await createFabric({ name, ...withIds });
    expect(result.errors, JSON.stringify(result)).toBeUndefined();
    await t.gql(`mutation($id: ID!) { deleteFabric(id: $id) }`, {
      id: (result.data as { createFabric: { id: string } }).createFabric.id,
    });
  });

  it('names the other fabric only to a caller that may read it', async () => {
    const intruder = {
      name: 'hidden',
      repositoryId: fromGlobalId(repos.main, 'GitRepository', 'id'),
      directory: 'fabrics/a',
    };
    const refusal = (canRead: (id: string) => boolean) =>
      t.app.services.fabrics.create(intruder, canRead).then(
        () => expect.unreachable('the create was accepted'),
        (err: Error) => err,
      );
    const hidden = await refusal(() => false);
    expect(hidden).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('another fabric') });
    expect(hidden.message).not.toContain('"a"');
    expect((await refusal(() => true)).message).toContain('fabric "a"');
  });

  it('refuses an update onto another fabric: its directory, then its cluster', async () => {
    expect(codeOf(await updateFabric(fabricB, { directory: 'fabrics/a' }))).toBe('CONFLICT');
    expect(codeOf(await updateFabric(fabricB, { cluster: cluster('https://10.0.0.1:6443') }))).toBe(
      'CONFLICT',
    );
    expect(codeOf(await updateFabric(fabricB, { directory: 'fabrics/b' })), 'its own place').toBeUndefined();
  });

  it('lets exactly one of concurrent creates of the same place win', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createFabric({ name: `racer-${i}`, repositoryId: repos.other, directory: 'race' }),
      ),
    );
    expect(results.map(codeOf).sort()).toEqual(
      [undefined, 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT'].sort(),
    );
  });
});

describe('write-back to a review branch', () => {
  it('may not push to a branch another fabric of the repository tracks (CONFLICT)', async () => {
    await created({
      name: 'review-tracker',
      repositoryId: repos.main,
      branch: 'review',
      directory: 'review',
    });
    const result = await t.gql(
      `mutation($f: ID!) { createRecord(fabricId: $f, input: { kind: SwitchGroup, name: "g", spec: {} }, options: { branch: "review" }) { commit } }`,
      { f: fabricA },
    );
    expect(codeOf(result), JSON.stringify(result)).toBe('CONFLICT');
    expect(result.errors?.[0]?.message).toContain('review');
  });
});

/**
 * Branch names through the API: anything git would not take as a branch, or longer than the
 * 255 bytes the database stores, is BAD_USER_INPUT naming the field, never an internal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type GraphQLResult, type TestApp } from '../support/app.js';

let t: TestApp;
let repositoryId: string;
let fabricId: string;
beforeAll(async () => {
  t = await startTestApp({ env: { FABRIC_SYNC_RESCAN_SECONDS: '0' } });
  const created = await createRepository('branches', { defaultBranch: 'main' });
  repositoryId = dataOf(created).createRepository.id;
  fabricId = dataOf(await createFabric('branches', { repositoryId })).createFabric.id;
});
afterAll(async () => t?.close());

const createRepository = (name: string, input: Record<string, unknown>) =>
  t.gql<{ createRepository: { id: string } }>(
    `mutation($i: CreateRepositoryInput!) { createRepository(input: $i) { id } }`,
    { i: { name, url: 'https://git.example.com/org/wiring.git', ...input } },
  );
const createFabric = (name: string, input: Record<string, unknown>) =>
  t.gql<{ createFabric: { id: string } }>(
    `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id } }`,
    {
      i: { name, ...input },
    },
  );
const updateFabric = (input: Record<string, unknown>) =>
  t.gql(`mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { id } }`, {
    id: fabricId,
    i: input,
  });
const updateRepository = (input: Record<string, unknown>) =>
  t.gql(`mutation($id: ID!, $i: UpdateRepositoryInput!) { updateRepository(id: $id, input: $i) { id } }`, {
    id: repositoryId,
    i: input,
  });

const refusal = (result: GraphQLResult) => result.errors?.[0]?.extensions;

const quoted = (branches: string[]) => branches.map((branch) => [JSON.stringify(branch), branch] as const);
const INVALID = [
  ['300 characters', 'b'.repeat(300)],
  ['128 characters of 2 bytes', 'é'.repeat(128)],
  ...quoted([
    'a..b',
    'a@{1}',
    '@',
    'HEAD',
    '-delete',
    'with space',
    'tab\there',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[0',
    'a\\b',
    'topic.lock',
    'topic.lock/x',
    'topic/',
    'topic.',
    'a//b',
    '/a',
    '.hidden',
    'a/.hidden',
  ]),
] as const;
const VALID = [
  ['255 characters', 'b'.repeat(255)],
  ['127 characters of 2 bytes', 'ü'.repeat(127)],
  ...quoted(['release/2026.1', 'feature/x-y_z', 'user@host']),
] as const;

describe('a branch name', () => {
  it.each(INVALID)('%s is refused with BAD_USER_INPUT on every input that takes one', async (_, branch) => {
    const badInput = (field: string) => ({ code: 'BAD_USER_INPUT', field });
    expect(refusal(await createFabric('refused', { repositoryId, branch }))).toEqual(
      badInput('input.branch'),
    );
    expect(refusal(await updateFabric({ branch }))).toEqual(badInput('input.branch'));
    const repository = await createRepository('refused', { defaultBranch: branch });
    expect(refusal(repository)).toEqual(badInput('input.defaultBranch'));
    expect(refusal(await updateRepository({ defaultBranch: branch }))).toEqual(
      badInput('input.defaultBranch'),
    );
  });

  it.each(VALID)('%s is accepted and stored as given', async (_, branch) => {
    const fabric = await t.gql<{ updateFabric: { branch: string } }>(
      `mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { branch } }`,
      { id: fabricId, i: { branch } },
    );
    expect(dataOf(fabric).updateFabric.branch).toBe(branch);
    expect(refusal(await updateRepository({ defaultBranch: branch }))).toBeUndefined();
  });
});

/**
 * Drift ignore rules through the API: createFabric/updateFabric store the whole list (replaced when
 * given, kept when not), Fabric.driftIgnore returns it, and bad input is BAD_USER_INPUT naming the
 * offending path, never stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type GraphQLResult, type TestApp } from '../support/app.js';

interface Rules {
  driftIgnore: { kinds: string[] | null; names: string[] | null; paths: string[]; reason: string | null }[];
}

let t: TestApp;
let fabricId: string;
const RULE = { kinds: ['Switch'], paths: ['metadata.labels["rack"]'], reason: 'inventory' };
beforeAll(async () => {
  t = await startTestApp({ env: { FABRIC_SYNC_RESCAN_SECONDS: '0' } });
  const created = await t.gql<{ createFabric: { id: string } & Rules }>(
    `mutation($i: CreateFabricInput!) { createFabric(input: $i) { id driftIgnore { kinds names paths reason } } }`,
    { i: { name: 'ignoring', driftIgnore: [RULE] } },
  );
  fabricId = dataOf(created).createFabric.id;
  expect(dataOf(created).createFabric.driftIgnore).toEqual([{ ...RULE, names: null }]);
});
afterAll(async () => t?.close());

const updateFabric = (input: Record<string, unknown>) =>
  t.gql<{ updateFabric: Rules }>(
    `mutation($id: ID!, $i: UpdateFabricInput!) { updateFabric(id: $id, input: $i) { driftIgnore { kinds names paths reason } } }`,
    { id: fabricId, i: input },
  );
const refusal = (result: GraphQLResult) => result.errors?.[0]?.extensions;

describe('driftIgnore input', () => {
  it('is kept when not given and replaced as a whole when given', async () => {
    expect(dataOf(await updateFabric({ description: 'x' })).updateFabric.driftIgnore).toHaveLength(1);
    const rule = { kinds: null, names: ['vpc-1'], paths: ['spec.subnets.*.vlan'], reason: null };
    expect(dataOf(await updateFabric({ driftIgnore: [rule] })).updateFabric.driftIgnore).toEqual([rule]);
    expect(dataOf(await updateFabric({ driftIgnore: [] })).updateFabric.driftIgnore).toEqual([]);
  });

  it.each([[''], ['.spec'], ['spec.'], ['spec..vlan'], ['spec[x]'], ['spec.**'], ['metadata.labels[rack]']])(
    'refuses the path %j with the field at fault, storing nothing',
    async (path) => {
      const result = await updateFabric({ driftIgnore: [RULE, { paths: ['spec', path] }] });
      expect(refusal(result)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.driftIgnore[1].paths[1]',
      });
      expect(dataOf(await updateFabric({})).updateFabric.driftIgnore).toEqual([]);
    },
  );

  it('refuses a rule without paths, an unknown kind and more than 100 rules', async () => {
    expect(refusal(await updateFabric({ driftIgnore: [{ paths: [] }] }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.driftIgnore[0].paths',
    });
    expect(
      refusal(await updateFabric({ driftIgnore: [{ kinds: ['Pod'], paths: ['spec'] }] }))?.['code'],
    ).toBe('BAD_USER_INPUT');
    const many = Array.from({ length: 101 }, () => ({ paths: ['spec'] }));
    expect(refusal(await updateFabric({ driftIgnore: many }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.driftIgnore',
    });
  });
});

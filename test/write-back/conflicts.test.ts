/**
 * What never reaches Git, and what never overwrites anyone: invalid changes, a branch that moved,
 * a concurrent push by someone else, and changes sent to a review branch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { GitSource } from '../../src/git/git-source.js';
import type { RepoAccess, CommitRequest } from '../../src/git/types.js';
import type { RecordChange } from '../../src/sync/write-back/index.js';
import { startHarness, type Harness } from './harness.js';
import { DIR, VPCS, vpcSpec } from './fabric-files.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(err)}`);
  return err;
}

const createVpc = (name: string, third: number, vlan: number): RecordChange => ({
  action: 'CREATE',
  manifest: { kind: 'VPC', name, spec: vpcSpec(third, vlan) },
});

describe('invalid changes', () => {
  let fabric: Awaited<ReturnType<Harness['fabric']>>;
  beforeAll(async () => {
    fabric = await h.fabric('strict');
  });

  it.each([
    ['a VPC name longer than 11 characters', [createVpc('vpc-much-too-long', 5, 1005)], /vpc-much-too-long/],
    ['a VLAN outside its namespace', [createVpc('vpc-5', 5, 2500)], /2500/],
    [
      'a dangling reference',
      [
        {
          action: 'CREATE',
          manifest: {
            kind: 'VPCPeering',
            name: 'vpc-1--vpc-9',
            spec: { permit: [{ 'vpc-1': {}, 'vpc-9': {} }] },
          },
        },
      ],
      /vpc-9/,
    ],
  ] as [string, RecordChange[], RegExp][])(
    '%s: BAD_USER_INPUT naming the problem, nothing pushed',
    async (_, changes, names) => {
      const head = await fabric.repo.headCommit();
      const operations = await h.operationCount(fabric.fabricId);
      const err = await rejection(h.service().apply(fabric.fabricId, changes));
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(names);
      expect(err.message).toContain('nothing was pushed');
      expect(err.details['issues']).toEqual(
        expect.arrayContaining([expect.objectContaining({ file: expect.any(String) })]),
      );
      expect(await fabric.repo.headCommit()).toBe(head);
      expect(await h.operationCount(fabric.fabricId)).toBe(operations);
    },
  );

  it('refuses to create an object that exists, with CONFLICT', async () => {
    const err = await rejection(h.service().apply(fabric.fabricId, [createVpc('vpc-1', 7, 1007)]));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toContain('VPC/default/vpc-1 already exists');
  });

  it('reports an unknown record as NOT_FOUND', async () => {
    const err = await rejection(
      h
        .service()
        .apply(fabric.fabricId, [{ action: 'DELETE', recordId: '00000000-0000-4000-8000-000000000000' }]),
    );
    expect(err.code).toBe('NOT_FOUND');
  });
});

describe('concurrency', () => {
  let fabric: Awaited<ReturnType<Harness['fabric']>>;
  beforeAll(async () => {
    fabric = await h.fabric('busy');
  });

  it('fails with CONFLICT and the current commit when expectedCommit is not the tip', async () => {
    const head = await fabric.repo.headCommit();
    const stale = 'f'.repeat(40);
    const err = await rejection(
      h.service().apply(fabric.fabricId, [createVpc('vpc-6', 6, 1006)], { expectedCommit: stale }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.details['currentCommit']).toBe(head);
    expect(await fabric.repo.headCommit()).toBe(head);
  });

  it('fails with CONFLICT when someone else pushes first; both changes survive once retried', async () => {
    /** A real GitSource; someone else's push lands between reading the tip and pushing. */
    class RacedGitSource extends GitSource {
      theirs: string | undefined;
      override async commitAndPush(repo: RepoAccess, request: CommitRequest) {
        this.theirs ??= await fabric.repo.push({ [`${DIR}/notes.yaml`]: '# their note\n' }, 'someone else');
        return super.commitAndPush(repo, request);
      }
    }
    const git = new RacedGitSource({ cacheDir: `${h.server.root}/../raced-cache`, allowedSchemes: ['http'] });
    const service = h.service(git);
    const err = await rejection(service.apply(fabric.fabricId, [createVpc('vpc-7', 7, 1007)]));
    expect(err.code).toBe('CONFLICT');
    expect(err.details['currentCommit']).toBe(git.theirs);
    expect(await fabric.repo.headCommit()).toBe(git.theirs);
    expect(await fabric.repo.readFile(`${DIR}/vpcs.yaml`)).toBe(VPCS);

    const retried = await service.apply(fabric.fabricId, [createVpc('vpc-7', 7, 1007)], {
      expectedCommit: git.theirs,
    });
    expect(await h.commitInfo(fabric.repo, retried.commit)).toMatchObject({ parents: [git.theirs] });
    expect(await fabric.repo.readFile(`${DIR}/notes.yaml`)).toBe('# their note\n');
    expect(await fabric.repo.readFile(`${DIR}/vpcs.yaml`)).toContain('vpc-7');
    expect(retried.records[0]).toMatchObject({ name: 'vpc-7', sourceCommit: retried.commit });
  });
});

describe('a sync already running', () => {
  it('still ends with the records of the pushed commit', async () => {
    const { repo, fabricId } = await h.fabric('joined');
    const { operations } = h.t.app.services;
    /** Someone else's sync starts (reading the old tip or the new one) just before the push. */
    class BusyGitSource extends GitSource {
      override async commitAndPush(access: RepoAccess, request: CommitRequest) {
        await repo.push({ [`${DIR}/notes.yaml`]: '# a note\n' }, 'a change that needs a sync');
        await operations.start({ fabricId, type: 'GIT_SYNC', trigger: 'WEBHOOK' });
        return super.commitAndPush(access, { ...request, baseCommit: await repo.headCommit() });
      }
    }
    const git = new BusyGitSource({ cacheDir: `${h.server.root}/../busy-cache`, allowedSchemes: ['http'] });
    const result = await h.service(git).apply(fabricId, [createVpc('vpc-4', 4, 1004)]);
    expect(result.operation).toMatchObject({ type: 'GIT_SYNC', status: 'SUCCEEDED', commit: result.commit });
    expect(result.records[0]).toMatchObject({ name: 'vpc-4', sourceCommit: result.commit });
  });
});

describe('a review branch', () => {
  it('gets the commit; the fabric branch, the records and the operations stay as they were', async () => {
    const { repo, fabricId } = await h.fabric('reviewed');
    const head = await repo.headCommit();
    const [records, operations] = await Promise.all([h.records(fabricId), h.operationCount(fabricId)]);
    const result = await h
      .service()
      .apply(fabricId, [createVpc('vpc-8', 8, 1008)], { branch: 'review/vpc-8' });
    expect(result).toMatchObject({ branch: 'review/vpc-8', records: [null], operation: null });
    expect(await repo.headCommit('review/vpc-8')).toBe(result.commit);
    expect(await h.commitInfo(repo, result.commit)).toMatchObject({ parents: [head] });
    expect(await repo.readFile(`${DIR}/vpcs.yaml`, 'review/vpc-8')).toContain('vpc-8');
    expect(await repo.headCommit()).toBe(head);
    expect(await h.records(fabricId)).toEqual(records);
    expect(await h.operationCount(fabricId)).toBe(operations);
  });

  it('is never overwritten: a second, unrelated change to the same review branch is a CONFLICT', async () => {
    const { repo, fabricId } = await h.fabric('reviewed-twice');
    const first = await h
      .service()
      .apply(fabricId, [createVpc('vpc-8', 8, 1008)], { branch: 'review/shared' });
    const err = await rejection(
      h.service().apply(fabricId, [createVpc('vpc-9', 9, 1009)], { branch: 'review/shared' }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(await repo.headCommit('review/shared')).toBe(first.commit);
  });
});

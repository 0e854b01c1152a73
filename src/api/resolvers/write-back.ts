/**
 * Edits through GraphQL land in Git first (WriteBackService): validated like a git sync, committed,
 * pushed with the repository's own credentials, then synced back into the database. An editor
 * of the fabric may write.
 */
import { notFound } from '../../domain/errors.js';
import type { JsonObject } from '../../domain/manifest.js';
import type { RecordChange, WriteOptions as ServiceWriteOptions } from '../../sync/write-back/index.js';
import type { ApiContext } from '../context.js';
import type {
  GMutationResolvers,
  GRecordInput,
  GRecordPatchInput,
  GWriteOptions,
  GWriteResultResolvers,
} from '../generated/graphql.js';
import { fromGlobalId, parseGlobalId } from '../ids.js';
import { authorizedFabricId } from './guards.js';

const manifestOf = (input: GRecordInput) => ({
  kind: input.kind,
  name: input.name,
  ...(input.namespace ? { namespace: input.namespace } : {}),
  ...(input.labels ? { labels: input.labels as Record<string, string> } : {}),
  ...(input.annotations ? { annotations: input.annotations as Record<string, string> } : {}),
  spec: input.spec as JsonObject,
});

/** An explicit null in a patch means "remove": keep it; leave out only what the client did not send. */
const patchOf = (input: GRecordPatchInput) => ({
  ...(input.labels !== undefined ? { labels: input.labels as Record<string, string | null> | null } : {}),
  ...(input.annotations !== undefined
    ? { annotations: input.annotations as Record<string, string | null> | null }
    : {}),
  ...(input.spec !== undefined && input.spec !== null ? { spec: input.spec as JsonObject } : {}),
});

const optionsOf = (options: GWriteOptions | null | undefined): ServiceWriteOptions => ({
  ...(options?.message ? { message: options.message } : {}),
  ...(options?.branch ? { branch: options.branch } : {}),
  ...(options?.expectedCommit ? { expectedCommit: options.expectedCommit } : {}),
  ...(options?.author ? { author: options.author } : {}),
});

/** The record's database id and its fabric, after checking the caller may edit that fabric. */
async function editableRecord(ctx: ApiContext, globalId: string, field: string) {
  const recordId = fromGlobalId(globalId, 'Record', field);
  const record = await ctx.loaders.record.load(recordId);
  if (!record || !ctx.auth.can('read', record.fabric.id)) throw notFound('record', globalId);
  ctx.auth.require('edit', record.fabric.id);
  return { recordId, fabricId: record.fabric.id };
}

export const writeBackMutations: Pick<
  GMutationResolvers<ApiContext>,
  'createRecord' | 'updateRecord' | 'deleteRecord' | 'adoptOrphan' | 'applyChanges' | 'revertFabric'
> = {
  createRecord: (_p, { fabricId, input, options }, ctx) =>
    ctx.services.writeBack.apply(
      authorizedFabricId(ctx, fabricId, 'edit'),
      [{ action: 'CREATE', manifest: manifestOf(input) }],
      optionsOf(options),
    ),
  updateRecord: async (_p, { id, input, options }, ctx) => {
    const { recordId, fabricId } = await editableRecord(ctx, id, 'id');
    return ctx.services.writeBack.apply(
      fabricId,
      [{ action: 'UPDATE', recordId, patch: patchOf(input) }],
      optionsOf(options),
    );
  },
  deleteRecord: async (_p, { id, options }, ctx) => {
    const { recordId, fabricId } = await editableRecord(ctx, id, 'id');
    return ctx.services.writeBack.apply(fabricId, [{ action: 'DELETE', recordId }], optionsOf(options));
  },
  adoptOrphan: async (_p, { fabricId, kind, name, options }, ctx) => {
    const id = authorizedFabricId(ctx, fabricId, 'edit');
    const live = await ctx.services.clusters.liveObject(id, kind, name);
    if (!live) throw notFound(`live ${kind}`, name);
    return ctx.services.writeBack.apply(id, [{ action: 'ADOPT', kind, name, live }], optionsOf(options));
  },
  applyChanges: async (_p, { fabricId, changes, options }, ctx) => {
    const id = authorizedFabricId(ctx, fabricId, 'edit');
    // One batched read for every record named, rather than one round trip per change in the loop below.
    await ctx.loaders.record.loadMany(
      changes.flatMap((c) => {
        const parsed = c.id ? parseGlobalId(c.id) : null;
        return parsed?.type === 'Record' ? [parsed.id] : [];
      }),
    );
    const mapped: RecordChange[] = [];
    for (const [i, change] of changes.entries()) {
      const field = `changes[${i}]`;
      if (change.action === 'CREATE') {
        if (!change.record) throw notFound(`${field}.record`, 'input');
        mapped.push({ action: 'CREATE', manifest: manifestOf(change.record) });
        continue;
      }
      const { recordId, fabricId: owner } = await editableRecord(ctx, change.id ?? '', `${field}.id`);
      if (owner !== id) throw notFound('record', change.id ?? '');
      mapped.push(
        change.action === 'DELETE'
          ? { action: 'DELETE', recordId }
          : { action: 'UPDATE', recordId, patch: patchOf(change.patch ?? {}) },
      );
    }
    return ctx.services.writeBack.apply(id, mapped, optionsOf(options));
  },
  revertFabric: (_p, { fabricId, toCommit, options }, ctx) =>
    ctx.services.writeBack.revert(authorizedFabricId(ctx, fabricId, 'edit'), toCommit, optionsOf(options)),
};

export const WriteResult: GWriteResultResolvers<ApiContext> = {
  record: (result) => result.records[0] ?? null,
};

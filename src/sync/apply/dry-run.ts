/** A dry run's would-be changes, kept in operation.result: per object the action and the field diff. */
import type { ChangeSetEntry } from '../../cluster/index.js';
import { diff } from '../../domain/diff.js';
import type { JsonValue, Manifest } from '../../domain/manifest.js';
import { normalize } from '../../domain/normalize.js';
import { Operation } from '../../store/entities/index.js';
import type { ApplyContext } from './context.js';

export interface DryRunChange {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly action: ChangeSetEntry['action'];
  /** For CONFIGURED: `desired` is the object as the apply would leave it, `live` as it is now. */
  readonly differences?: readonly { path: string; desired: JsonValue | null; live: JsonValue | null }[];
  readonly error?: string;
}

export function dryRunChange(entry: ChangeSetEntry, current: Manifest | undefined): DryRunChange {
  const base = { ...entry.ref, action: entry.action };
  if (entry.error) return { ...base, error: entry.error.message };
  if (entry.action !== 'CONFIGURED' || !entry.object || !current) return base;
  const differences = diff(normalize(entry.object), normalize(current)).map((d) => ({
    path: d.path,
    desired: d.desired ?? null,
    live: d.live ?? null,
  }));
  return { ...base, differences };
}

/** Redacted as a whole: each change's error is the API's message, which may echo the token. */
export async function saveDryRunResult(ctx: ApplyContext): Promise<void> {
  const result = ctx.deps.vault.redactor.redactDeep({ dryRun: true, changes: ctx.changes ?? [] });
  ctx.op.operation.result = result;
  await ctx.deps.orm.em.fork().nativeUpdate(Operation, { id: ctx.op.id }, { result });
}

/**
 * SELF_HEAL's PLAN: the apply plan (planApply, unchanged) narrowed to the records the watch saw go
 * MISSING or DRIFTED, without prune. A record another manager keeps changing back is left out and
 * says why in `record.heal_stopped` (shown by the drift report's differences).
 */
import { FIELD_MANAGER } from '../../cluster/index.js';
import { diff } from '../../domain/diff.js';
import type { Manifest } from '../../domain/manifest.js';
import { normalize } from '../../domain/normalize.js';
import type { DesiredObject } from '../../store/live-state-store.js';
import { planApply } from '../apply/plan.js';
import type { ApplyContext } from '../apply/context.js';
import { required, type StageResult } from '../stage.js';
import type { HealHistory, HealLimits } from './heal-history.js';

const SEEN_DRIFTING = new Set(['MISSING', 'DRIFTED']);

/** The last writer of the object other than fabric-sync, from managedFields, when the server keeps them. */
function otherManager(live: Manifest): string {
  const entries = (live.metadata['managedFields'] ?? []) as { manager?: string; time?: string }[];
  const others = entries.filter((e) => e.manager && e.manager !== FIELD_MANAGER);
  others.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  return others.at(-1)?.manager ?? 'another manager';
}

function whyStopped(record: DesiredObject, live: Manifest | undefined, limits: HealLimits): string {
  const fight = `${limits.maxHeals} heals in ${limits.windowMs / 60_000} min; healed again once the desired object changes`;
  if (!live) return `healing stopped: something keeps deleting this object (${fight})`;
  const paths = diff(normalize(record.manifest), normalize(live)).map((d) => d.path);
  return `healing stopped: ${otherManager(live)} keeps changing ${paths.slice(0, 5).join(', ') || 'it'} (${fight})`;
}

export async function planHeal(
  ctx: ApplyContext,
  history: HealHistory,
  signal: AbortSignal,
): Promise<StageResult> {
  await planApply(ctx, signal);
  const live = required(ctx.live, 'live objects');
  const drifting = required(ctx.toApply, 'plan').filter((r) => SEEN_DRIFTING.has(r.state));
  const heal = drifting.filter((r) => !history.fighting(r));
  const stopped = drifting.filter((r) => history.fighting(r));
  for (const record of heal) history.healed(record);
  await ctx.deps.liveState.setHealStopped([
    ...heal.map((r) => ({ id: r.id, reason: null })),
    ...stopped.map((r) => ({ id: r.id, reason: whyStopped(r, live.get(r.ref), history.limits) })),
  ]);
  Object.assign(ctx, { toApply: heal, toPrune: [] });
  return {
    counts: { drifting: drifting.length, toApply: heal.length, healingStopped: stopped.length },
    ...(stopped.length > 0
      ? { message: `${stopped.length} record(s) not healed: another manager keeps changing them back` }
      : {}),
  };
}

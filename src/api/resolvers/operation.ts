import type { StageRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type {
  GDifferenceResolvers,
  GDriftReportResolvers,
  GOperationResolvers,
  GStageResolvers,
} from '../generated/graphql.js';
import { toGlobalId } from '../ids.js';
import { listDifferences } from '../lists.js';

const countsOf = (counts: Record<string, number>) =>
  Object.entries(counts).map(([name, value]) => ({ name, value }));

export const Operation: GOperationResolvers<ApiContext> = {
  id: (op) => toGlobalId('Operation', op.id),
  fabric: async (op, _a, ctx) => (await ctx.loaders.fabric.load(op.fabric.id))!,
};

export const Stage: GStageResolvers<ApiContext> = {
  counts: (stage: StageRecord) => countsOf(stage.counts),
};

/** The report stores counts by outcome (inSync, modified, …, differences); GraphQL shows one per drift type. */
const DRIFT_TYPE_COUNTS = [
  ['MISSING', 'missing'],
  ['ORPHANED', 'orphaned'],
  ['MODIFIED', 'modified'],
] as const;

export const DriftReport: GDriftReportResolvers<ApiContext> = {
  id: (report) => toGlobalId('DriftReport', report.id),
  fabric: async (report, _a, ctx) => (await ctx.loaders.fabric.load(report.fabric.id))!,
  counts: (report) => DRIFT_TYPE_COUNTS.map(([type, key]) => ({ type, count: report.counts[key] ?? 0 })),
  ignoredDifferences: (report) => report.counts['ignored'] ?? 0,
  differences: (report, args, ctx) => listDifferences(ctx.em, report.id, args),
};

export const Difference: GDifferenceResolvers<ApiContext> = {
  record: (d, _a, ctx) => (d.recordId ? ctx.loaders.record.load(d.recordId) : null),
  healingStopped: async (d, _a, ctx) =>
    d.recordId ? ((await ctx.loaders.record.load(d.recordId))?.healStopped ?? null) : null,
  type: (d) => d.driftType,
};

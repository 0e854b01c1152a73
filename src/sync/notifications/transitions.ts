/**
 * Which transition an event is, judged from stored history rather than this replica's memory, so
 * every replica reaches the same answer and the same transition id (the delivery's dedupe key).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  driftTransition,
  operationTransition,
  watchTransition,
  type NotificationEvent,
} from '../../domain/notification-events.js';
import type { FabricSync, OperationStatus } from '../../domain/states.js';
import type { DriftReportEvent, FabricStatusEvent } from '../../events/topics.js';
import { Operation } from '../../store/entities/index.js';

export interface Transition {
  readonly id: string;
  readonly event: NotificationEvent;
  readonly message: string;
  readonly subjectId?: string;
}

/** An ended operation against the fabric's previous ended (failed or succeeded) one. */
export async function operationEnded(orm: MikroORM, operationId: string): Promise<Transition | null> {
  const em = orm.em.fork();
  const op = await em.findOne(Operation, operationId);
  if (!op?.finishedAt) return null;
  const [previous] = await em.execute<{ status: OperationStatus }[]>(
    `select status from operation where fabric_id = ? and id <> ? and status in ('FAILED', 'SUCCEEDED')
       and finished_at <= ? order by finished_at desc, id desc limit 1`,
    [op.fabric.id, op.id, op.finishedAt],
  );
  const event = operationTransition(op.status, previous?.status ?? null);
  if (!event) return null;
  const outcome =
    event === 'OPERATION_FAILED'
      ? `failed: ${op.errors[0]?.message ?? 'no message'}`
      : 'succeeded after a failure';
  return { id: `operation:${op.id}`, event, message: `${op.type} operation ${outcome}`, subjectId: op.id };
}

/** The sync status a drift report's counts give (the rule of drift/compare.ts). */
const syncOf = (counts: Readonly<Record<string, number>>): FabricSync =>
  (counts['modified'] ?? 0) + (counts['missing'] ?? 0) + (counts['orphaned'] ?? 0) === 0
    ? 'IN_SYNC'
    : 'OUT_OF_SYNC';

/** A drift report against the fabric's previous one. */
export async function driftReported(orm: MikroORM, report: DriftReportEvent): Promise<Transition | null> {
  const [previous] = await orm.em.fork().execute<{ counts: Record<string, number> }[]>(
    `select counts from drift_report where fabric_id = ? and id <> ?
       and created_at <= (select created_at from drift_report where id = ?)
     order by created_at desc, id desc limit 1`,
    [report.fabricId, report.reportId, report.reportId],
  );
  const status = syncOf(report.counts);
  const event = driftTransition(status, previous ? syncOf(previous.counts) : null);
  if (!event) return null;
  const message =
    event === 'DRIFT_DETECTED' ? `drift detected, score ${report.score.toFixed(3)}` : 'back in sync';
  return { id: `drift:${report.reportId}`, event, message, subjectId: report.reportId };
}

/** A watch status change (published on change only) that entered ERROR. */
export function watchChanged(status: FabricStatusEvent): Transition | null {
  const event = status.watchStatus ? watchTransition(status.watchStatus) : null;
  if (!event) return null;
  return {
    id: `watch:${status.fabricId}:${status.at}`,
    event,
    message: status.message ?? 'the watch failed',
  };
}

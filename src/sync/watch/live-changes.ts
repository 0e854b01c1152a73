/**
 * What a batch of watch events means for a fabric's records, as data (no I/O): each record's new
 * live facts and state, decided incrementally by comparing canonical hashes (no full drift check;
 * a differing hash is diffed only where the fabric's drift ignore rules concern the record),
 * and the recordEvents to publish, in the events' order (one slot per watch event).
 *
 * Which objects matter: those carrying this fabric's ownership label and those named like one of
 * its records (an operator may have created or relabelled one by hand). Everything else in the
 * namespace belongs to someone else, possibly another fabric on the same cluster, and is ignored.
 */
import { isOwnedBy, refOf } from '../../cluster/index.js';
import { versionOf, type WatchEvent } from '../../cluster/watch.js';
import { agrees, type DriftIgnore } from '../../domain/drift-ignore.js';
import { formatRef } from '../../domain/kinds.js';
import { transitionRecord, type RecordState } from '../../domain/states.js';
import type { RecordEvent } from '../../events/index.js';
import { liveFactsOf, type Observation } from '../../store/live-state-store.js';
import type { WatchedRecord } from '../../store/watch-store.js';

export interface LiveChanges {
  /** At most one per record: the last event wins. */
  readonly observations: Observation[];
  /** One per watch event, at its index: null when the event concerns nothing of this fabric. */
  readonly events: (RecordEvent | null)[];
}

/**
 * Only a new git sync moves these (architecture §5); their message says why they are held, so the
 * watch leaves such rows alone and only publishes the event.
 */
const HELD: readonly RecordState[] = ['INVALID', 'ORPHANED'];

const MESSAGES: Partial<Record<RecordState, string>> = {
  DRIFTED: 'the live object differs from the desired one (seen by the watch)',
  MISSING: 'deleted from the cluster (seen by the watch)',
};

function observe(record: WatchedRecord, event: WatchEvent, ignore: DriftIgnore): Observation {
  const live = event.type === 'DELETED' ? null : liveFactsOf(event.object);
  const state = transitionRecord(
    record.state,
    !live ? 'MISSING' : agrees(record, event.object, live.hash, ignore) ? 'IN_SYNC' : 'DRIFTED',
  );
  return { id: record.id, state, message: MESSAGES[state] ?? null, live };
}

export function liveChanges(
  fabric: { readonly id: string; readonly name: string; readonly ignore: DriftIgnore },
  batch: readonly WatchEvent[],
  records: readonly WatchedRecord[],
  at: Date,
): LiveChanges {
  const byRef = new Map(records.map((r) => [formatRef(r.ref), { ...r }]));
  const observations = new Map<string, Observation>();
  const events: (RecordEvent | null)[] = [];
  for (const event of batch) {
    const ref = refOf(event.object);
    const record = byRef.get(formatRef(ref));
    const version = versionOf(event.object);
    const base: RecordEvent = {
      fabricId: fabric.id,
      ...ref,
      type: event.type,
      ...(version ? { resourceVersion: version } : {}),
      at: at.toISOString(),
    };
    if (record && HELD.includes(record.state)) {
      events.push({ ...base, recordId: record.id, state: record.state });
    } else if (record) {
      const observation = observe(record, event, fabric.ignore);
      record.state = observation.state;
      observations.set(record.id, observation);
      events.push({ ...base, recordId: record.id, state: record.state });
    } else if (isOwnedBy(event.object, fabric.name)) {
      events.push(event.type === 'DELETED' ? base : { ...base, state: 'ORPHANED' });
    } else events.push(null);
  }
  return { observations: [...observations.values()], events };
}

/**
 * The drift of one fabric as data: each desired record against its live object, plus this
 * fabric's owned objects nobody desires. Both sides are normalized first, so webhook defaults and
 * server fields never count (architecture §6).
 */
import { refOf, type LiveSet } from '../../cluster/index.js';
import { driftScore, type DriftEntry } from '../../domain/diff.js';
import { objectDrift, type DriftIgnore } from '../../domain/drift-ignore.js';
import { formatRef } from '../../domain/kinds.js';
import type { JsonValue } from '../../domain/manifest.js';
import { normalize } from '../../domain/normalize.js';
import { transitionRecord } from '../../domain/states.js';
import type { DifferenceRow } from '../../store/drift-store.js';
import {
  alreadyInSyncWith,
  liveFactsOf,
  type DesiredObject,
  type Observation,
} from '../../store/live-state-store.js';

export interface DriftOutcome {
  readonly differences: DifferenceRow[];
  readonly observations: Observation[];
  readonly counts: Record<string, number>;
  readonly score: number;
}

const asJson = (value: unknown): JsonValue => value as JsonValue;

/** Names a drifted record's paths in its state message, up to a few. */
const driftMessage = (paths: readonly string[]) =>
  `${paths.length} field(s) differ: ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', …' : ''}`;

export function compareObjects(
  desired: readonly DesiredObject[],
  live: LiveSet,
  fabricName: string,
  ignore: DriftIgnore,
): DriftOutcome {
  const differences: DifferenceRow[] = [];
  const observations: Observation[] = [];
  const entries: DriftEntry[] = [];
  const counts = { inSync: 0, modified: 0, missing: 0, orphaned: 0, ignored: 0 };
  const observe = (record: DesiredObject, observation: Observation) => {
    transitionRecord(record.state, observation.state);
    observations.push(observation);
  };
  for (const record of desired) {
    if (record.state === 'INVALID') continue; // only a new git sync moves an invalid record
    const base = { recordId: record.id, ...record.ref };
    const object = live.get(record.ref);
    if (!object) {
      counts.missing += 1;
      entries.push({ classification: 'MISSING' });
      differences.push({
        ...base,
        driftType: 'MISSING',
        path: '',
        desired: asJson(normalize(record.manifest)),
        live: null,
        severity: 'HIGH',
      });
      observe(record, { id: record.id, state: 'MISSING', message: 'not in the cluster', live: null });
      continue;
    }
    const current = normalize(object);
    const facts = liveFactsOf(object, current);
    // Equal canonical hashes mean equal canonical forms: the field diff can only come back empty.
    const { differences: found, ignored } =
      facts.hash === record.canonicalHash
        ? { differences: [], ignored: 0 }
        : objectDrift(normalize(record.manifest), current, ignore(record.ref));
    counts.ignored += ignored;
    if (found.length === 0) {
      counts.inSync += 1;
      entries.push({ classification: 'IN_SYNC' });
      if (!alreadyInSyncWith(record, facts))
        observe(record, { id: record.id, state: 'IN_SYNC', message: null, live: facts });
      continue;
    }
    counts.modified += 1;
    entries.push({ classification: 'MODIFIED', differences: found });
    for (const d of found)
      differences.push({
        ...base,
        driftType: 'MODIFIED',
        path: d.path,
        desired: d.desired ?? null,
        live: d.live ?? null,
        severity: d.severity,
      });
    observe(record, {
      id: record.id,
      state: 'DRIFTED',
      message: driftMessage(found.map((d) => d.path)),
      live: facts,
    });
  }
  const wantedRefs = new Set(desired.map((d) => formatRef(d.ref)));
  for (const object of live.ownedBy(fabricName)) {
    const ref = refOf(object);
    if (wantedRefs.has(formatRef(ref))) continue;
    counts.orphaned += 1;
    entries.push({ classification: 'ORPHANED' });
    differences.push({
      recordId: null,
      ...ref,
      driftType: 'ORPHANED',
      path: '',
      desired: null,
      live: asJson(normalize(object)),
      severity: 'HIGH',
    });
  }
  return {
    differences,
    observations,
    counts: { desired: desired.length, ...counts, differences: differences.length },
    score: driftScore(entries),
  };
}

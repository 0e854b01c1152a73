/**
 * Drift as pure functions that return data (architecture §6, style §4 example 1): field-level
 * differences between two canonical objects, the pair's classification and the fabric's score.
 */
import { isJsonObject, type JsonValue } from './manifest.js';
import type { Canonical } from './normalize.js';
import { SEVERITY_WEIGHT, severityOf } from './severity.js';
import type { DriftType, Severity } from './states.js';

export interface Difference {
  /** spec.subnets.default.vlan, spec.fabric.links[0].leaf.port, metadata.labels["app.kubernetes.io/name"] */
  readonly path: string;
  /** undefined: absent on that side. */
  readonly desired: JsonValue | undefined;
  readonly live: JsonValue | undefined;
  readonly severity: Severity;
}

export interface DiffOptions {
  /** Path prefixes never compared (e.g. hydrated fields a Git source leaves out, REFERENCE §1.8). */
  readonly ignore?: readonly string[];
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const member = (path: string, key: string) =>
  PLAIN_KEY.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

type Sink = (path: string, desired: JsonValue | undefined, live: JsonValue | undefined) => void;

/** Label and annotation maps are compared key by key even when one side has none, so each key shows. */
const KEYED_MAPS: ReadonlySet<string> = new Set(['metadata.labels', 'metadata.annotations']);

function compare(desired: JsonValue | undefined, live: JsonValue | undefined, path: string, out: Sink): void {
  if (desired === live) return;
  if (KEYED_MAPS.has(path)) {
    desired ??= {};
    live ??= {};
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    for (let i = 0; i < Math.max(desired.length, live.length); i++)
      compare(desired[i], live[i], `${path}[${i}]`, out);
    return;
  }
  if (isJsonObject(desired) && isJsonObject(live)) {
    for (const key of Object.keys(desired)) compare(desired[key], live[key], member(path, key), out);
    for (const key of Object.keys(live))
      if (!Object.hasOwn(desired, key)) compare(undefined, live[key], member(path, key), out);
    return;
  }
  out(path, desired, live);
}

/** Every field where live differs from desired; both sides must already be normalized. */
export function diff(desired: Canonical, live: Canonical, options: DiffOptions = {}): Difference[] {
  const { ignore = [] } = options;
  const ignored = (path: string) =>
    ignore.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
  const found: Difference[] = [];
  compare(desired as unknown as JsonValue, live as unknown as JsonValue, '', (path, d, l) => {
    if (!ignored(path)) found.push({ path, desired: d, live: l, severity: severityOf(path) });
  });
  return found;
}

export type Classification = 'IN_SYNC' | DriftType;

export interface Pair {
  readonly desired?: Canonical;
  readonly live?: Canonical;
}

/** MISSING: desired, not live. ORPHANED: live (with our ownership label), not desired. */
export function classify({ desired, live }: Pair, options?: DiffOptions): Classification {
  if (!desired && !live) throw new Error('classify needs a desired or a live object');
  if (!desired || !live) return desired ? 'MISSING' : 'ORPHANED';
  return diff(desired, live, options).length > 0 ? 'MODIFIED' : 'IN_SYNC';
}

export interface DriftEntry {
  readonly classification: Classification;
  /** The differences of a MODIFIED entry. */
  readonly differences?: readonly Difference[];
}

const entryWeight = ({ classification, differences = [] }: DriftEntry): number => {
  if (classification === 'IN_SYNC') return 0;
  if (classification !== 'MODIFIED') return 1;
  return Math.max(0, ...differences.map((d) => SEVERITY_WEIGHT[d.severity]));
};

/**
 * Share of desired + orphaned records that drift, each weighted by its worst difference
 * (MISSING and ORPHANED weigh 1). 0 = in sync, 1 = everything missing or changed structurally.
 */
export function driftScore(entries: readonly DriftEntry[]): number {
  if (entries.length === 0) return 0;
  const total = entries.reduce((sum, e) => sum + entryWeight(e), 0);
  return Math.min(1, total / entries.length);
}

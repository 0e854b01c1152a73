/**
 * Per-fabric drift ignore rules (Argo CD's ignoreDifferences, Flux's drift ignore rules): fields
 * another manager owns on purpose, never reported, scored nor re-applied. A rule names paths in the
 * drift report's own form (`spec.subnets.default.vlan`, `metadata.labels["app.kubernetes.io/name"]`,
 * `spec.links[0].leaf.port`), where `*` (or `[*]`) stands for exactly one segment; a rule path covers
 * the field it names and everything below it. `kinds` and `names` narrow a rule (absent: all).
 */
import { diff, type Difference } from './diff.js';
import { badInput } from './errors.js';
import { isKindName, type ObjectRef } from './kinds.js';
import type { Manifest } from './manifest.js';
import { normalize, type Canonical } from './normalize.js';

export interface DriftIgnoreRule {
  readonly kinds?: readonly string[] | null;
  readonly names?: readonly string[] | null;
  readonly paths: readonly string[];
  readonly reason?: string | null;
}

/** The rules one fabric may hold, and the paths one rule may list. */
export const MAX_DRIFT_IGNORE_RULES = 100;
export const MAX_PATHS_PER_RULE = 50;
const MAX_PATH_LENGTH = 512;
const MAX_REASON_LENGTH = 500;

type Segment = { readonly key: string } | { readonly index: number } | 'ANY';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FIRST = /^([A-Za-z_][A-Za-z0-9_-]*|\*)/;
const DOTTED = /^\.([A-Za-z_][A-Za-z0-9_-]*|\*)/;
const BRACKETED = /^\[(\d+|\*|"(?:[^"\\]|\\.)*")\]/;

const jsonString = (token: string): string | undefined => {
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined; // an escape JSON does not know, such as \q
  }
};

/** The segments of a rule path, or undefined when it is not in the report's form. */
function parsePath(path: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let rest = path;
  while (rest !== '') {
    const bracketed = BRACKETED.exec(rest);
    const match = bracketed ?? (segments.length === 0 ? FIRST : DOTTED).exec(rest);
    const token = match?.[1];
    if (!match || token === undefined) return undefined;
    if (token === '*') segments.push('ANY');
    else if (!bracketed) segments.push({ key: token });
    else if (token.startsWith('"')) {
      const key = jsonString(token);
      if (key === undefined) return undefined;
      segments.push({ key });
    } else segments.push({ index: Number(token) });
    rest = rest.slice(match[0].length);
  }
  return segments.length > 0 ? segments : undefined;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anySegment = (first: boolean) =>
  String.raw`(?:${first ? '' : '\\.'}[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;

/** A segment as src/domain/diff.ts writes it, so `labels["app"]` and `labels.app` mean one field. */
function segmentPattern(segment: Segment, first: boolean): string {
  if (segment === 'ANY') return anySegment(first);
  if ('index' in segment) return escape(`[${segment.index}]`);
  if (PLAIN_KEY.test(segment.key)) return escape(first ? segment.key : `.${segment.key}`);
  return escape(`[${JSON.stringify(segment.key)}]`);
}

/** Matches the path itself and every path below it, never a sibling that shares a prefix. */
const pathPattern = (segments: readonly Segment[]): RegExp =>
  new RegExp(`^${segments.map((s, i) => segmentPattern(s, i === 0)).join('')}(?=$|[.[])`);

/**
 * The rules as stored: every path in the report's form, kinds known, within the caps; refuses the
 * first problem with its field (`input.driftIgnore[2].paths[0]`).
 */
export function validateDriftIgnoreRules(
  rules: readonly DriftIgnoreRule[],
  field = 'input.driftIgnore',
): DriftIgnoreRule[] {
  if (rules.length > MAX_DRIFT_IGNORE_RULES)
    throw badInput(field, `at most ${MAX_DRIFT_IGNORE_RULES} rules, got ${rules.length}`);
  return rules.map((rule, i) => {
    const at = `${field}[${i}]`;
    if (rule.paths.length === 0) throw badInput(`${at}.paths`, 'needs at least one path');
    if (rule.paths.length > MAX_PATHS_PER_RULE)
      throw badInput(`${at}.paths`, `at most ${MAX_PATHS_PER_RULE} paths per rule`);
    rule.paths.forEach((path, j) => {
      if (path.length > MAX_PATH_LENGTH || !parsePath(path))
        throw badInput(
          `${at}.paths[${j}]`,
          `"${path.slice(0, 80)}" is not a drift report path (e.g. spec.subnets.*.vlan, metadata.labels["app.kubernetes.io/name"])`,
        );
    });
    rule.kinds?.forEach((kind, j) => {
      if (!isKindName(kind)) throw badInput(`${at}.kinds[${j}]`, `unknown kind "${kind}"`);
    });
    rule.names?.forEach((name, j) => {
      if (name === '' || name.length > 253)
        throw badInput(`${at}.names[${j}]`, 'must be 1 to 253 characters');
    });
    const reason = rule.reason?.trim() || null;
    if (reason && reason.length > MAX_REASON_LENGTH)
      throw badInput(`${at}.reason`, `at most ${MAX_REASON_LENGTH} characters`);
    return {
      kinds: rule.kinds?.length ? [...rule.kinds] : null,
      names: rule.names?.length ? [...rule.names] : null,
      paths: [...rule.paths],
      reason,
    };
  });
}

/** Whether one difference path of one object is ignored. */
export type PathFilter = (path: string) => boolean;

/** A fabric's rules compiled once: the filter for one object, or undefined when no rule concerns it. */
export type DriftIgnore = (ref: Pick<ObjectRef, 'kind' | 'name'>) => PathFilter | undefined;

/** No rules: every difference counts. */
export const IGNORE_NOTHING: DriftIgnore = () => undefined;

/** Compiles stored (validated) rules; a path that no longer parses is skipped rather than matching all. */
export function compileDriftIgnore(rules: readonly DriftIgnoreRule[]): DriftIgnore {
  const compiled = rules.map((rule) => ({
    kinds: rule.kinds?.length ? new Set(rule.kinds) : undefined,
    names: rule.names?.length ? new Set(rule.names) : undefined,
    patterns: rule.paths.flatMap((path) => {
      const segments = parsePath(path);
      return segments ? [pathPattern(segments)] : [];
    }),
  }));
  if (compiled.length === 0) return IGNORE_NOTHING;
  return (ref) => {
    const patterns = compiled
      .filter((r) => (!r.kinds || r.kinds.has(ref.kind)) && (!r.names || r.names.has(ref.name)))
      .flatMap((r) => r.patterns);
    if (patterns.length === 0) return undefined;
    return (path) => patterns.some((pattern) => pattern.test(path));
  };
}

export interface ObjectDrift {
  /** The differences that count. */
  readonly differences: Difference[];
  /** How many differences the rules ignored. */
  readonly ignored: number;
}

/** The field differences of one pair of canonical objects, split by the object's filter. */
export function objectDrift(desired: Canonical, live: Canonical, filter?: PathFilter): ObjectDrift {
  const found = diff(desired, live);
  if (!filter) return { differences: found, ignored: 0 };
  const differences = found.filter((d) => !filter(d.path));
  return { differences, ignored: found.length - differences.length };
}

export interface DesiredSide {
  readonly ref: Pick<ObjectRef, 'kind' | 'name'>;
  /** null: not read, because no rule of the fabric concerns it (the watch reads it only where one may). */
  readonly manifest: Manifest | null;
  readonly canonicalHash: string;
}

/**
 * Whether a live object agrees with its desired record: equal canonical hashes, or differences the
 * fabric's rules all ignore. The one test the drift check, the apply plan and the watch share, so
 * an ignored field never makes one of them see drift the others do not.
 */
export function agrees(desired: DesiredSide, live: Manifest, liveHash: string, ignore: DriftIgnore): boolean {
  if (liveHash === desired.canonicalHash) return true;
  const filter = ignore(desired.ref);
  return (
    filter !== undefined &&
    desired.manifest !== null &&
    objectDrift(normalize(desired.manifest), normalize(live), filter).differences.length === 0
  );
}

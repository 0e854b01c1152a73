/**
 * Offline validation of a whole desired set (architecture §6, VALIDATE stage): each object's
 * identity, then the cluster's admission chain for it (rules/admission.ts: webhook defaults, the
 * CRD schema, the webhook's rules), then the rules across objects.
 * Every issue names file, line, kind, name and field when they are known; nothing throws.
 */
import { groupBy } from './group-by.js';
import { indexByName } from './dangling-references.js';
import { FABRIC_NAMESPACE, type Manifest } from './manifest.js';
import { admitObject, DEFAULT_SETTINGS } from './rules/admission.js';
import { checkApiVersion, checkKind, checkName, checkNamespace } from './rules/identity.js';
import {
  switchVlanNamespacesDisjoint,
  vpcSubnetsInNamespace,
  vpcVlansInNamespace,
} from './rules/set-addressing.js';
import {
  attachmentsPerConnection,
  externalVlansPerConnection,
  linkIpsUnique,
  portsUsedOnce,
} from './rules/set-ports.js';
import {
  attachmentConnectionType,
  danglingReferences,
  externalAttachmentTargets,
  externalPeeringNamespace,
  peeringNamespaces,
} from './rules/set-references.js';
import { attachmentSwitchesHaveVlanNamespace, eslagSwitchesShareGroup } from './rules/set-switches.js';
import type { DesiredSet, Finding, RuleSettings, SetFinding, SetRule } from './rules/types.js';
import type { SourcedManifest, ValidationIssue } from './validation-types.js';
import { completed, type Steps } from './steps.js';

export type { ManifestSource, SourcedManifest, ValidationIssue } from './validation-types.js';
export type { VlanRange } from './rules/types.js';

export type ValidateOptions = Partial<RuleSettings>;

export { DEFAULT_SETTINGS };

export const SET_RULES: readonly SetRule[] = [
  danglingReferences,
  portsUsedOnce,
  linkIpsUnique,
  eslagSwitchesShareGroup,
  vpcSubnetsInNamespace,
  vpcVlansInNamespace,
  switchVlanNamespacesDisjoint,
  attachmentConnectionType,
  attachmentsPerConnection,
  attachmentSwitchesHaveVlanNamespace,
  externalAttachmentTargets,
  externalVlansPerConnection,
  peeringNamespaces,
  externalPeeringNamespace,
];

const hasName = (m: Manifest | null | undefined): m is Manifest =>
  typeof m?.metadata?.name === 'string' && m.metadata.name !== '';

type Report = (item: SourcedManifest, finding: Finding) => ValidationIssue;

const reporter: Report = ({ manifest, source }, { field, message }) => ({
  file: source.file,
  line: source.line,
  ...(typeof manifest?.kind === 'string' && manifest.kind ? { kind: manifest.kind } : {}),
  ...(hasName(manifest) ? { name: manifest.metadata.name } : {}),
  ...(field ? { field } : {}),
  message,
});

/** Identity, schema and the kind's own rules; returns the object as the webhooks would see it. */
interface Checked {
  readonly findings: Finding[];
  /** As the webhooks would see it: pruned, schema- and webhook-defaulted. */
  readonly admitted?: Manifest;
  /** As written: pruned and schema-defaulted only. */
  readonly written?: Manifest;
}

function checkObject(manifest: Manifest, settings: RuleSettings): Checked {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    return { findings: [{ message: 'a document must be a Kubernetes object (a YAML mapping)' }] };
  }
  const kind = checkKind(manifest);
  if (kind.length > 0) return { findings: kind };
  const identity = [...checkApiVersion(manifest), ...checkName(manifest), ...checkNamespace(manifest)];
  const { findings, admitted, written } = admitObject(manifest, settings);
  return { findings: [...identity, ...findings], admitted, written };
}

const identityKey = (m: Manifest) =>
  `${m.kind}/${m.metadata.namespace || FABRIC_NAMESPACE}/${m.metadata.name}`;

/** The same kind/namespace/name in two documents: report each later copy with both places. */
function duplicates(items: readonly SourcedManifest[]): ValidationIssue[] {
  const first = new Map<string, SourcedManifest>();
  return items.flatMap((item) => {
    const key = identityKey(item.manifest);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, item);
      return [];
    }
    const where = (s: SourcedManifest) => `${s.source.file}:${s.source.line}`;
    return [reporter(item, { message: `${key} is defined twice: ${where(earlier)} and ${where(item)}` })];
  });
}

type Derive = (m: Manifest) => unknown;

function desiredSet(
  objects: Manifest[],
  written: ReadonlyMap<Manifest, Manifest>,
  settings: RuleSettings,
  derivations: WeakMap<Manifest, Map<Derive, unknown>>,
): DesiredSet {
  const byKind = groupBy(objects, (m) => m.kind);
  const derived = <T>(m: Manifest, derive: (m: Manifest) => T): T => {
    let known = derivations.get(m);
    if (!known) {
      known = new Map();
      derivations.set(m, known);
    }
    if (known.has(derive)) return known.get(derive) as T;
    const value = derive(m);
    known.set(derive, value);
    return value;
  };
  return {
    objects,
    derived,
    index: indexByName(objects),
    settings,
    asWritten: (m) => written.get(m) ?? m,
    ofKind: (kind) => byKind.get(kind) ?? [],
  };
}

/** Which objects one set rule read last time (by kind, or ALL of them), and what it found. */
interface RuleMemo {
  readonly reads: ReadonlyMap<string, readonly Manifest[]>;
  readonly findings: readonly SetFinding[];
}

const ALL = '*';

const objectsRead = (set: DesiredSet, kind: string): readonly Manifest[] =>
  kind === ALL ? set.objects : set.ofKind(kind);

const sameObjects = (a: readonly Manifest[], b: readonly Manifest[]): boolean =>
  a.length === b.length && a.every((m, i) => m === b[i]);

/** The set as one rule sees it, noting in `reads` every kind the rule looks at. */
function tracked(set: DesiredSet, reads: Map<string, readonly Manifest[]>): DesiredSet {
  const read = (kind: string) => {
    if (!reads.has(kind)) reads.set(kind, objectsRead(set, kind));
  };
  const get = (kind: string) => {
    read(kind);
    return set.index.get(kind);
  };
  const has = (kind: string) => {
    read(kind);
    return set.index.has(kind);
  };
  const index = new Proxy(set.index, {
    get(target, property) {
      if (property === 'get') return get;
      if (property === 'has') return has;
      read(ALL);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return {
    ...set,
    index,
    get objects() {
      read(ALL);
      return set.objects;
    },
    ofKind: (kind) => {
      read(kind);
      return set.ofKind(kind);
    },
  };
}

/**
 * Validates desired sets. An object's own checks (identity, schema, its kind's rules) depend only
 * on the object and the settings, so their result is remembered per parsed object: a set that
 * shares most objects with the previous one (the parse cache hands back the same objects for
 * unchanged files) re-checks only the new ones. A cross-object rule runs again unless every
 * object of every kind it read last time is still the same, in the same order.
 * Parsed objects must not be mutated once validated.
 */
export class Validator {
  private readonly settings: RuleSettings;
  private readonly checked = new WeakMap<object, Checked>();
  private readonly derivations = new WeakMap<Manifest, Map<Derive, unknown>>();
  private readonly ruleMemos = new Map<SetRule, RuleMemo>();

  constructor(options: ValidateOptions = {}) {
    this.settings = { ...DEFAULT_SETTINGS, ...options };
  }

  /** Every problem in the set, in document order per object, then the cross-object ones. */
  validate(items: readonly SourcedManifest[]): ValidationIssue[] {
    return completed(this.validateSteps(items));
  }

  /** validate() one object or set rule at a time, so a caller can pause between them. */
  *validateSteps(items: readonly SourcedManifest[]): Steps<ValidationIssue[]> {
    const issues: ValidationIssue[] = [];
    const admitted = new Map<Manifest, SourcedManifest>();
    const written = new Map<Manifest, Manifest>();
    for (const item of items) {
      const result = this.check(item.manifest);
      issues.push(...result.findings.map((f) => reporter(item, f)));
      // Objects without a name cannot be referenced or compared; their own issue already says why.
      if (result.admitted && hasName(result.admitted)) {
        admitted.set(result.admitted, item);
        if (result.written) written.set(result.admitted, result.written);
      }
      yield;
    }
    const named = items.filter((i) => hasName(i.manifest));
    issues.push(...duplicates(named));
    const set = desiredSet([...admitted.keys()], written, this.settings, this.derivations);
    for (const rule of SET_RULES) {
      for (const { subject, ...finding } of this.runRule(rule, set))
        issues.push(reporter(admitted.get(subject)!, finding));
      yield;
    }
    return issues;
  }

  private runRule(rule: SetRule, set: DesiredSet): readonly SetFinding[] {
    const memo = this.ruleMemos.get(rule);
    const unchanged = (reads: RuleMemo['reads']) =>
      [...reads].every(([kind, objects]) => sameObjects(objects, objectsRead(set, kind)));
    if (memo && unchanged(memo.reads)) return memo.findings;
    const reads = new Map<string, readonly Manifest[]>();
    const findings = rule(tracked(set, reads));
    this.ruleMemos.set(rule, { reads, findings });
    return findings;
  }

  private check(manifest: Manifest): Checked {
    if (typeof manifest !== 'object' || manifest === null) return checkObject(manifest, this.settings);
    let result = this.checked.get(manifest);
    if (!result) {
      result = checkObject(manifest, this.settings);
      this.checked.set(manifest, result);
    }
    return result;
  }
}

/** Every problem in the set, in document order per object, then the cross-object ones. */
export function validateManifests(
  items: readonly SourcedManifest[],
  options: ValidateOptions = {},
): ValidationIssue[] {
  return new Validator(options).validate(items);
}

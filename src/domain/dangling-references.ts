/**
 * References that name nothing (issue 11's `danglingReferences`, and the VALIDATE stage's
 * cross-reference check). One pass builds a name index, one pass checks: linear in the set size.
 */
import { isJsonObject, type Manifest } from './manifest.js';
import { referencesOf, type Reference } from './references.js';
import { FABRIC_PROVIDED_SWITCH_PROFILES } from './switch-profiles.js';

export interface DanglingReference {
  readonly reference: Reference;
  /** Why it dangles: the target object, or the subnet inside an existing VPC, is missing. */
  readonly message: string;
}

export interface DanglingOptions {
  /** SwitchProfile names the fabric has beyond the built-in ones (REFERENCE §1.6). */
  readonly knownProfiles?: Iterable<string>;
}

/** kind → name → object, for reference lookups. */
export type NameIndex = ReadonlyMap<string, ReadonlyMap<string, Manifest>>;

export function indexByName(manifests: Iterable<Manifest>): NameIndex {
  const index = new Map<string, Map<string, Manifest>>();
  for (const m of manifests) {
    const byName = index.get(m.kind) ?? new Map<string, Manifest>();
    byName.set(m.metadata.name, m);
    index.set(m.kind, byName);
  }
  return index;
}

const hasSubnet = (vpc: Manifest, subnet: string): boolean => {
  const subnets = vpc.spec?.['subnets'];
  return isJsonObject(subnets) && Object.hasOwn(subnets, subnet);
};

/** The reason a reference dangles, or undefined when its target exists. */
export function danglingReason(
  ref: Reference,
  index: NameIndex,
  profiles: ReadonlySet<string>,
): string | undefined {
  const target = index.get(ref.targetKind)?.get(ref.targetName);
  if (!target) {
    if (ref.targetKind === 'SwitchProfile' && profiles.has(ref.targetName)) return undefined;
    return `${ref.targetKind} ${ref.targetName} does not exist`;
  }
  if (ref.subnet !== undefined && !hasSubnet(target, ref.subnet)) {
    return `VPC ${ref.targetName} has no subnet ${ref.subnet}`;
  }
  return undefined;
}

/** The SwitchProfiles that exist without being in Git: built-in, optional sets and the fabric's own. */
export const providedProfiles = (knownProfiles: Iterable<string> = []): ReadonlySet<string> =>
  new Set([...FABRIC_PROVIDED_SWITCH_PROFILES, ...knownProfiles]);

/** Every reference in the set whose target (or target subnet) is not in the set. */
export function findDanglingReferences(
  manifests: readonly Manifest[],
  { knownProfiles = [] }: DanglingOptions = {},
): DanglingReference[] {
  const index = indexByName(manifests);
  const profiles = providedProfiles(knownProfiles);
  return manifests.flatMap((m) =>
    referencesOf(m).flatMap((reference) => {
      const message = danglingReason(reference, index, profiles);
      return message === undefined ? [] : [{ reference, message }];
    }),
  );
}

/** The shapes every validation rule shares (REFERENCE §2 "Webhook" rules checked offline). */
import type { NameIndex } from '../dangling-references.js';
import type { JsonObject, Manifest } from '../manifest.js';

/** One problem inside one object; validate() adds file, line, kind and name. */
export interface Finding {
  readonly field?: string;
  readonly message: string;
}

/** A problem a cross-object rule found, attached to the object it is reported on. */
export interface SetFinding extends Finding {
  readonly subject: Manifest;
}

export interface VlanRange {
  readonly from: number;
  readonly to: number;
}

/** Fabric settings the offline rules need; each default is the fabric's own default. */
export interface RuleSettings {
  /** VLANs the fabric reserves: VPC IRB 3000–3899 and the TH5 workaround 3900–3999 (REFERENCE §2.12). */
  readonly reservedVlans: readonly VlanRange[];
  /** Highest MTU of a server-facing connection: fabric MTU 9100 − 64 (REFERENCE §2.8). */
  readonly serverMtuLimit: number;
  /** Fabric-reserved prefixes IPv4Namespaces must avoid (depends on the fabric config; none by default). */
  readonly reservedSubnets: readonly string[];
  /** SwitchProfiles that exist besides the built-in ones. */
  readonly knownProfiles: readonly string[];
}

/** A rule over one object of `kind`; `spec` already carries the webhook's defaults. */
export interface ObjectRule {
  readonly kind: string;
  readonly check: (spec: JsonObject, m: Manifest, settings: RuleSettings) => Finding[];
}

/** The whole desired set, webhook defaults applied, as the cross-object rules see it. */
export interface DesiredSet {
  readonly objects: readonly Manifest[];
  readonly index: NameIndex;
  readonly settings: RuleSettings;
  /**
   * The object as written (schema-pruned, without webhook defaults), so that reported paths like
   * spec.groups[0] point into the user's file, not into a sorted, defaulted copy.
   */
  readonly asWritten: (m: Manifest) => Manifest;
  /**
   * What `derive` makes of one object alone, computed once per object and kept across
   * validations while the object is: a set that barely changed costs only its lookups. `derive`
   * must be a module-level function of the object only.
   */
  readonly derived: <T>(m: Manifest, derive: (m: Manifest) => T) => T;
  /** Objects of one kind, in document order. */
  readonly ofKind: (kind: string) => readonly Manifest[];
}

export type SetRule = (set: DesiredSet) => SetFinding[];

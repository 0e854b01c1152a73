/**
 * One object through a cluster's admission chain, offline (REFERENCE §1.5): decode (prune, schema
 * defaults), the fabric's mutating webhook (its defaults, then Go's serialisation), decode again,
 * CRD schema validation, then the kind's validating-webhook rules. The test kube-apiserver's
 * webhook emulation calls the same functions, so the offline check and the emulated cluster are
 * one model.
 */
import { KINDS, SUPPORTING_KINDS } from '../kinds.js';
import type { Manifest } from '../manifest.js';
import { withWebhookDefaults } from '../normalize.js';
import { connectionRule } from './connection.js';
import { externalAttachmentRule, externalRule } from './external.js';
import { externalPeeringRule, vpcAttachmentRule, vpcPeeringRule } from './peerings.js';
import { decodeAgain, decodeAsWritten, schemaFindings } from './schema.js';
import type { Finding, ObjectRule, RuleSettings } from './types.js';
import { vpcRule } from './vpc.js';
import { ipv4NamespaceRule, switchRule, vlanNamespaceRule } from './wiring.js';

export const DEFAULT_SETTINGS: RuleSettings = {
  reservedVlans: [{ from: 3000, to: 3999 }],
  serverMtuLimit: 9036,
  reservedSubnets: [],
  knownProfiles: [],
};

/** Kinds the fabric registers a mutating webhook for: SwitchGroup and ServerProfile have none. */
export const MUTATING_WEBHOOK_KINDS: ReadonlySet<string> = new Set(
  [...KINDS, ...SUPPORTING_KINDS]
    .map((k) => k.kind)
    .filter((k) => k !== 'SwitchGroup' && k !== 'ServerProfile'),
);

export const OBJECT_RULES: readonly ObjectRule[] = [
  vlanNamespaceRule,
  ipv4NamespaceRule,
  switchRule,
  connectionRule,
  externalRule,
  vpcRule,
  externalAttachmentRule,
  vpcAttachmentRule,
  vpcPeeringRule,
  externalPeeringRule,
];

const RULES_BY_KIND = new Map(OBJECT_RULES.map((r) => [r.kind, r]));

/** The spec as the fabric's mutating webhook returns it; other kinds pass unchanged. */
export function webhookMutation(m: Manifest): Manifest {
  if (!MUTATING_WEBHOOK_KINDS.has(m.kind)) return m;
  return { ...m, spec: withWebhookDefaults(m.kind, m.spec) };
}

/** The kind's own webhook rules on an object the schema admitted. */
export function objectRuleFindings(m: Manifest, settings: RuleSettings): Finding[] {
  return RULES_BY_KIND.get(m.kind)?.check(m.spec ?? {}, m, settings) ?? [];
}

export interface Admission {
  readonly findings: Finding[];
  /** As the webhooks would see it: pruned, schema- and webhook-defaulted. */
  readonly admitted: Manifest;
  /** As written: pruned and schema-defaulted only. */
  readonly written: Manifest;
}

export function admitObject(m: Manifest, settings: RuleSettings): Admission {
  const decoded = decodeAsWritten(m);
  const admitted = decodeAgain(webhookMutation(decoded.manifest));
  const schema = schemaFindings(admitted);
  // Webhook rules assume a schema-valid object; running them on a broken one only repeats its errors.
  const own = schema.length === 0 ? objectRuleFindings(admitted, settings) : [];
  return { findings: [...decoded.findings, ...schema, ...own], admitted, written: decoded.manifest };
}

/**
 * The fabric's validating webhooks, emulated with the domain's own validator (src/domain/validate.ts):
 * a create or update is refused when the objects the cluster holds plus this one make the validator
 * find a problem it does not find without it — the object's own rules (identity, schema, webhook
 * rules) and the cross-object ones (references exist, ports used once, ...), which the real webhooks
 * check by reading the cluster. Denied as the fabric's controller-runtime webhooks deny: 403
 * Forbidden, `admission webhook "v<kind>.kb.io" denied the request: <field>: <message>`. Deletes are
 * not checked (the fabric's delete protection is not emulated).
 */
import { KINDS } from '../../../src/domain/kinds.js';
import { FABRIC_NAMESPACE, type Manifest } from '../../../src/domain/manifest.js';
import { MUTATING_WEBHOOK_KINDS } from '../../../src/domain/rules/admission.js';
import { Validator, type SourcedManifest, type ValidationIssue } from '../../../src/domain/validate.js';
import type { AdmissionRequest } from './admission.js';
import type { Backend } from './backend.js';
import { typeKey, type KubeObject } from './types.js';

const FABRIC_KINDS: ReadonlySet<string> = new Set(KINDS.map((k) => k.kind));
const namespaceOf = (o: KubeObject) => o.metadata?.namespace || FABRIC_NAMESPACE;
const identity = (o: KubeObject) => `${o.kind}/${namespaceOf(o)}/${o.metadata?.name ?? ''}`;
const issueKey = (i: ValidationIssue) => `${i.kind}/${i.name}/${i.field ?? ''}/${i.message}`;
const CLUSTER_SOURCE = { file: 'cluster', line: 1, documentIndex: 0 };
const sourced = (objects: readonly KubeObject[]): SourcedManifest[] =>
  objects.map((o) => ({ manifest: o as Manifest, source: CLUSTER_SOURCE }));

/** The message a fabric webhook would deny with: the field first, once. */
export function denialMessage(issue: Pick<ValidationIssue, 'field' | 'message'>): string {
  const { field, message } = issue;
  return field && !message.startsWith(`${field}: `) ? `${field}: ${message}` : message;
}

/** Every stored fabric object in `namespace` except the one with `skip`'s identity. */
function storedFabricObjects(b: Backend, namespace: string, skip: string): KubeObject[] {
  return b.registry
    .custom()
    .filter((t) => FABRIC_KINDS.has(t.kind))
    .flatMap((t) => b.store.list(typeKey(t)))
    .filter((o) => namespaceOf(o) === namespace && identity(o) !== skip);
}

/** Registers the validating webhooks on `b`'s admission hooks; returns the functions that remove them. */
export function registerFabricWebhookRules(b: Backend): (() => void)[] {
  // One validator for the server's life: it remembers each stored object's own checks.
  const validator = new Validator();
  const check = ({ operation, object }: AdmissionRequest) => {
    if (operation === 'DELETE') return undefined;
    const others = storedFabricObjects(b, namespaceOf(object), identity(object));
    const before = new Set(validator.validate(sourced(others)).map(issueKey));
    const fresh = validator.validate(sourced([...others, object])).find((i) => !before.has(issueKey(i)));
    return fresh ? { code: 403 as const, message: denialMessage(fresh) } : undefined;
  };
  return [...MUTATING_WEBHOOK_KINDS]
    .filter((kind) => FABRIC_KINDS.has(kind))
    .map((kind) => b.admission.addValidating(kind, check, `v${kind.toLowerCase()}.kb.io`));
}

/** Webhook defaults of VPCAttachment, IPv4Namespace, External and ExternalPeering (REFERENCE §1.5). */
import { isJsonObject, type JsonValue } from '../manifest.js';
import { byString, existingObject, isBlank, sortListAt, type Rule } from './draft.js';

/** A bare `subnet: vpc-1` means `vpc-1/default`. */
export const qualifyAttachmentSubnet: Rule = {
  kind: 'VPCAttachment',
  apply(spec) {
    const subnet = spec['subnet'];
    if (typeof subnet === 'string' && subnet !== '' && !subnet.includes('/'))
      spec['subnet'] = `${subnet}/default`;
  },
};

/** `subnets` is sorted. */
export const sortNamespaceSubnets: Rule = {
  kind: 'IPv4Namespace',
  apply: (spec) => sortListAt(spec, 'subnets'),
};

/** `ipv4Namespace` defaults to `default`. */
export const defaultExternalNamespace: Rule = {
  kind: 'External',
  apply(spec) {
    if (isBlank(spec['ipv4Namespace'])) spec['ipv4Namespace'] = 'default';
  },
};

const prefixOf = (v: JsonValue): JsonValue => (isJsonObject(v) ? (v['prefix'] ?? '') : v);

/** `permit.vpc.subnets` is sorted, and `permit.external.prefixes` by prefix. */
export const sortExternalPeering: Rule = {
  kind: 'ExternalPeering',
  apply(spec) {
    const permit = existingObject(spec, 'permit');
    sortListAt(permit && existingObject(permit, 'vpc'), 'subnets');
    sortListAt(permit && existingObject(permit, 'external'), 'prefixes', (a, b) =>
      byString(prefixOf(a), prefixOf(b)),
    );
  },
};

export const VPC_OTHER_RULES: readonly Rule[] = [
  qualifyAttachmentSubnet,
  sortNamespaceSubnets,
  defaultExternalNamespace,
  sortExternalPeering,
];

/** VPCAttachment, VPCPeering and ExternalPeering rules of one object (REFERENCE §1.4, §2.2, §2.3, §2.7). */
import { parsePrefix } from '../ipv4.js';
import { isJsonObject } from '../manifest.js';
import type { Finding, ObjectRule } from './types.js';
import { child, finding, items, prefixAt, text } from './values.js';

const P2P_LINK = 'fabric.githedgehog.com/p2p-link';

/** subnet and connection are required; the p2p-link annotation is an IPv4 /31 (§1.4, §2.2). */
export const vpcAttachmentRule: ObjectRule = {
  kind: 'VPCAttachment',
  check(spec, m) {
    const found: Finding[] = [];
    if (!text(spec['subnet'])) found.push(finding('spec.subnet', 'subnet is required (<vpc>/<subnet>)'));
    if (!text(spec['connection'])) found.push(finding('spec.connection', 'connection is required'));
    const p2p = m.metadata.annotations?.[P2P_LINK];
    if (p2p !== undefined && parsePrefix(p2p)?.length !== 31) {
      found.push(
        finding(
          `metadata.annotations["${P2P_LINK}"]`,
          `${P2P_LINK} must be an IPv4 /31 prefix, got "${p2p}"`,
        ),
      );
    }
    return found;
  },
};

/** Every permit item has exactly 2 VPC keys, 2 distinct VPCs overall; `remote` stays empty (§2.3). */
export const vpcPeeringRule: ObjectRule = {
  kind: 'VPCPeering',
  check(spec) {
    const found: Finding[] = [];
    if (text(spec['remote'])) found.push(finding('spec.remote', 'remote is deprecated and must be empty'));
    const vpcs = new Set<string>();
    items(spec, 'permit').forEach((entry, i) => {
      const keys = isJsonObject(entry) ? Object.keys(entry) : [];
      keys.forEach((k) => vpcs.add(k));
      if (keys.length !== 2)
        found.push(
          finding(
            `spec.permit[${i}]`,
            `each permit item names exactly 2 VPCs, this one names ${keys.length}`,
          ),
        );
    });
    if (vpcs.size !== 2) {
      found.push(
        finding(
          'spec.permit',
          `a VPCPeering joins exactly 2 VPCs, this one names ${vpcs.size} (${[...vpcs].join(', ')})`,
        ),
      );
    }
    return found;
  },
};

/** Both names required; every external prefix is a CIDR (§2.7). */
export const externalPeeringRule: ObjectRule = {
  kind: 'ExternalPeering',
  check(spec) {
    const permit = child(spec, 'permit');
    const found: Finding[] = [];
    if (!text(child(permit, 'vpc')?.['name']))
      found.push(finding('spec.permit.vpc.name', 'the VPC name is required'));
    const external = child(permit, 'external');
    if (!text(external?.['name']))
      found.push(finding('spec.permit.external.name', 'the External name is required'));
    items(external, 'prefixes').forEach((p, i) => {
      const prefix = isJsonObject(p) ? p['prefix'] : undefined;
      if (!prefixAt(prefix)) {
        found.push(
          finding(
            `spec.permit.external.prefixes[${i}].prefix`,
            `prefix "${text(prefix)}" must be an IPv4 CIDR`,
          ),
        );
      }
    });
    return found;
  },
};

/**
 * Cross-object rules about what a reference points at (REFERENCE §1.7, §1.9, §2.2, §2.3, §2.6, §2.7).
 * Missing targets come from the one reference definition (references.ts).
 */
import { connectionTypesOf } from '../connection-endpoints.js';
import { danglingReason, providedProfiles } from '../dangling-references.js';
import type { Manifest } from '../manifest.js';
import { attachmentSubnet } from '../member-edges.js';
import { edgeOf, referencesOf } from '../references.js';
import type { DesiredSet, SetFinding, SetRule } from './types.js';
import { child, isEmpty, text } from './values.js';

const requiredReferencesOf = (m: Manifest) => referencesOf(m).filter((ref) => !edgeOf(ref).optional);

/** Every non-optional reference names an object in the set (SwitchProfiles: built-in or known). */
export const danglingReferences: SetRule = ({ objects, index, settings, asWritten, derived }) => {
  const profiles = providedProfiles(settings.knownProfiles);
  const found: SetFinding[] = [];
  for (const subject of objects) {
    for (const ref of derived(asWritten(subject), requiredReferencesOf)) {
      const reason = danglingReason(ref, index, profiles);
      if (reason) found.push({ subject, field: ref.field, message: `${ref.field}: ${reason}` });
    }
  }
  return found;
};

const lookup = (set: DesiredSet, kind: string, name: string): Manifest | undefined =>
  set.index.get(kind)?.get(name);
const firstType = (connection: Manifest): string | undefined => connectionTypesOf(connection.spec)[0];
const typeOf = (set: DesiredSet, connection: Manifest | undefined): string | undefined =>
  connection && set.derived(connection, firstType);

const ATTACHABLE = ['unbundled', 'bundled', 'eslag'];

/** VPCAttachment: connection is unbundled/bundled/eslag; hostBGP needs unbundled; eslag needs L2VNI. */
export const attachmentConnectionType: SetRule = (set) =>
  set.ofKind('VPCAttachment').flatMap((subject): SetFinding[] => {
    const type = typeOf(set, lookup(set, 'Connection', text(subject.spec?.['connection'])));
    if (!type) return [];
    const field = 'spec.connection';
    if (!ATTACHABLE.includes(type)) {
      const why = type === 'mclag' ? ' (MCLAG is deprecated and no longer attachable, REFERENCE §1.9)' : '';
      return [
        {
          subject,
          field,
          message: `VPCs attach only to unbundled, bundled or eslag connections, not ${type}${why}`,
        },
      ];
    }
    const { vpc: vpcName = '', subnet: subnetName = '' } = attachmentSubnet(subject.spec?.['subnet']) ?? {};
    const vpc = lookup(set, 'VPC', vpcName);
    const subnet = child(child(vpc?.spec, 'subnets'), subnetName);
    if (subnet?.['hostBGP'] === true && type !== 'unbundled') {
      return [
        {
          subject,
          field,
          message: `hostBGP subnet ${vpcName}/${subnetName} attaches only to unbundled connections`,
        },
      ];
    }
    if (type === 'eslag' && text(vpc?.spec?.['mode']) !== '') {
      return [{ subject, field, message: `an eslag connection needs VPC ${vpcName} in L2VNI mode` }];
    }
    return [];
  });

/** ExternalAttachment: an `external` connection, and static vs BGP as the External is. */
export const externalAttachmentTargets: SetRule = (set) =>
  set.ofKind('ExternalAttachment').flatMap((subject): SetFinding[] => {
    const found: SetFinding[] = [];
    const type = typeOf(set, lookup(set, 'Connection', text(subject.spec?.['connection'])));
    if (type && type !== 'external') {
      found.push({
        subject,
        field: 'spec.connection',
        message: `ExternalAttachments sit on external connections, not ${type}`,
      });
    }
    const external = lookup(set, 'External', text(subject.spec?.['external']));
    if (external) {
      const externalStatic = child(external.spec, 'static') !== undefined;
      const attachmentStatic = !isEmpty(child(subject.spec, 'static'));
      if (externalStatic !== attachmentStatic) {
        const mode = (s: boolean) => (s ? 'static' : 'BGP');
        const message = `External ${external.metadata.name} is ${mode(externalStatic)}, so the attachment must be ${mode(externalStatic)} too, not ${mode(attachmentStatic)}`;
        found.push({ subject, field: attachmentStatic ? 'spec.static' : 'spec.switch', message });
      }
    }
    return found;
  });

const namespacesOf = (vpc: Manifest) => [
  text(vpc.spec?.['ipv4Namespace']),
  text(vpc.spec?.['vlanNamespace']),
];

/** VPCPeering: both VPCs share the IPv4Namespace and the VLANNamespace. */
export const peeringNamespaces: SetRule = (set) =>
  set.ofKind('VPCPeering').flatMap((subject): SetFinding[] => {
    const names = [
      ...new Set(
        set
          .derived(subject, referencesOf)
          .filter((r) => r.subnet === undefined)
          .map((r) => r.targetName),
      ),
    ];
    const vpcs = names.flatMap((n) => lookup(set, 'VPC', n) ?? []);
    if (vpcs.length !== 2) return [];
    const [a, b] = vpcs.map(namespacesOf) as [string[], string[]];
    if (a[0] === b[0] && a[1] === b[1]) return [];
    return [
      {
        subject,
        field: 'spec.permit',
        message: `peered VPCs ${names.join(' and ')} must share IPv4Namespace and VLANNamespace`,
      },
    ];
  });

/** ExternalPeering: the VPC and the External share one IPv4Namespace. */
export const externalPeeringNamespace: SetRule = (set) =>
  set.ofKind('ExternalPeering').flatMap((subject): SetFinding[] => {
    const permit = child(subject.spec, 'permit');
    const vpc = lookup(set, 'VPC', text(child(permit, 'vpc')?.['name']));
    const external = lookup(set, 'External', text(child(permit, 'external')?.['name']));
    if (!vpc || !external) return [];
    const [vpcNs, extNs] = [text(vpc.spec?.['ipv4Namespace']), text(external.spec?.['ipv4Namespace'])];
    if (vpcNs === extNs) return [];
    return [
      {
        subject,
        field: 'spec.permit',
        message: `VPC ${vpc.metadata.name} (IPv4Namespace ${vpcNs}) and External ${external.metadata.name} (${extNs}) must share an IPv4Namespace`,
      },
    ];
  });

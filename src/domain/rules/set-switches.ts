/** Cross-object rules between connections, attachments and the switches they use (REFERENCE §2.2, §2.8). */
import { connectionEndpoints, connectionTypesOf, devicesOf } from '../connection-endpoints.js';
import type { Manifest } from '../manifest.js';
import { attachmentSubnet } from '../member-edges.js';
import type { DesiredSet, SetFinding, SetRule } from './types.js';
import { child, items, text } from './values.js';

const switchNamesOf = (connection: Manifest): string[] => [
  ...devicesOf(connectionEndpoints(connection.spec), 'Switch'),
];

const switchesOf = (set: DesiredSet, connection: Manifest): Manifest[] =>
  set.derived(connection, switchNamesOf).flatMap((n) => set.index.get('Switch')?.get(n) ?? []);

const vlanNamespacesOf = (switch_: Manifest): ReadonlySet<string> =>
  new Set(items(switch_.spec, 'vlanNamespaces').map(text));

/** All switches of an eslag connection share one redundancy group of type eslag. */
export const eslagSwitchesShareGroup: SetRule = (set) =>
  set.ofKind('Connection').flatMap((subject): SetFinding[] => {
    if (connectionTypesOf(subject.spec)[0] !== 'eslag') return [];
    const switches = switchesOf(set, subject);
    const groups = new Set(
      switches.map((s) => {
        const redundancy = child(s.spec, 'redundancy');
        return text(redundancy?.['type']) === 'eslag' ? text(redundancy?.['group']) : '';
      }),
    );
    if (groups.size <= 1 && !groups.has('')) return [];
    const names = switches.map((s) => s.metadata.name).join(', ');
    return [
      {
        subject,
        field: 'spec.eslag',
        message: `switches ${names} must all be in one redundancy group of type eslag`,
      },
    ];
  });

/** Every switch carrying an attachment lists the VPC's VLANNamespace in spec.vlanNamespaces. */
export const attachmentSwitchesHaveVlanNamespace: SetRule = (set) =>
  set.ofKind('VPCAttachment').flatMap((subject): SetFinding[] => {
    const connection = set.index.get('Connection')?.get(text(subject.spec?.['connection']));
    const vpc = set.index.get('VPC')?.get(attachmentSubnet(subject.spec?.['subnet'])?.vpc ?? '');
    if (!connection || !vpc) return [];
    const namespace = text(vpc.spec?.['vlanNamespace']);
    const missing = switchesOf(set, connection).filter(
      (s) => !set.derived(s, vlanNamespacesOf).has(namespace),
    );
    return missing.map((s) => ({
      subject,
      field: 'spec.connection',
      message: `switch ${s.metadata.name} of connection ${connection.metadata.name} does not list VLANNamespace ${namespace} of VPC ${vpc.metadata.name}`,
    }));
  });

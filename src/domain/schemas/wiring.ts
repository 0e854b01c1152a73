/** Spec schemas of Switch, Server, SwitchGroup, VLANNamespace, ServerProfile (REFERENCE §2.9–§2.13). */
import type { StructuralSchema } from '../structural-schema.js';
import { bool, emptyObject, int, int32, list, mapOf, obj, str } from './builders.js';

export const SWITCH_ROLES = ['spine', 'server-leaf', 'border-leaf', 'mixed-leaf', 'virtual-edge'] as const;
export const REDUNDANCY_TYPES = ['mclag', 'eslag'] as const;
export const PORT_FEC_MODES = ['rs', 'fc', 'auto', 'disabled'] as const;

const linkFlapErrDisable = obj(
  {
    flapThreshold: int('flaps before the port is disabled', { minimum: 1, maximum: 50, default: 3 }),
    samplingInterval: int32('seconds the flaps are counted over', {
      minimum: 1,
      maximum: 65535,
      default: 30,
    }),
    recoveryInterval: int32('seconds until a disabled port recovers', {
      minimum: 0,
      maximum: 65534,
      default: 300,
    }),
  },
  'disable flapping ports',
);

export const switchSpec: StructuralSchema = obj(
  {
    role: str('switch role', { enum: [...SWITCH_ROLES] }),
    profile: str('SwitchProfile name'),
    description: str('free text'),
    groups: list(str(), 'SwitchGroup names'),
    redundancy: obj(
      { group: str('redundancy SwitchGroup'), type: str('redundancy type', { enum: [...REDUNDANCY_TYPES] }) },
      'redundancy group membership',
    ),
    vlanNamespaces: list(str(), 'VLANNamespace names'),
    asn: int32('BGP ASN'),
    ip: str('management IP CIDR'),
    protocolIP: str('BGP router ID /32'),
    vtepIP: str('VTEP /32'),
    boot: obj({ serial: str('serial number'), mac: str('management MAC') }, 'provisioning identity'),
    portBreakouts: mapOf(str(), 'breakout mode by port'),
    portSpeeds: mapOf(str(), 'speed by port'),
    portGroupSpeeds: mapOf(str(), 'speed by port group'),
    portAutoNegs: mapOf(bool(), 'autonegotiation by port'),
    portFECs: mapOf(str(undefined, { enum: [...PORT_FEC_MODES] }), 'FEC mode by port'),
    enableAllPorts: bool('bring up unused ports'),
    roce: bool('enable RoCE'),
    ecmp: obj({ roceQPN: bool('hash on RoCE queue pair') }, 'ECMP settings'),
    linkFlapErrDisable,
  },
  'a network switch',
  { required: ['role'] },
);

export const serverSpec: StructuralSchema = obj(
  { description: str('free text'), profile: str('ServerProfile name, unused by the fabric') },
  'a server',
);

export const switchGroupSpec: StructuralSchema = emptyObject('a marker: switches name it');

export const vlanNamespaceSpec: StructuralSchema = obj(
  {
    ranges: list(obj({ from: int('first VLAN'), to: int('last VLAN, defaults to from') }), 'VLAN ranges', {
      minItems: 1,
      maxItems: 20,
    }),
  },
  'a pool of VLANs',
);

export const serverProfileSpec: StructuralSchema = obj(
  { nics: list(obj({ name: str('NIC name'), ports: list(obj({ name: str('port name') })) }), 'NICs') },
  'a server hardware model',
);

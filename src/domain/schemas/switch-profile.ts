/** Spec schema of SwitchProfile: controller-owned reference data (REFERENCE §1.6, §2.13). */
import type { StructuralSchema } from '../structural-schema.js';
import { bool, int, int32, list, mapOf, obj, str } from './builders.js';

const FEATURES = [
  'subinterfaces',
  'acls',
  'l2vni',
  'l3vni',
  'roce',
  'mclag',
  'eslag',
  'ecmpRoCEQPN',
] as const;

const port = obj(
  {
    nos: str('NOS port name'),
    baseNOSName: str('NOS base name of a breakout port'),
    label: str('front panel label'),
    group: str('port group'),
    profile: str('port profile'),
    management: bool('management port'),
    oniePortName: str('ONIE port name'),
    pipeline: str('pipeline the port belongs to'),
  },
  'one API port',
);

const portProfile = obj(
  {
    speed: obj({ default: str('default speed'), supported: list(str(), 'supported speeds') }, 'speeds'),
    breakout: obj(
      {
        default: str('default breakout'),
        supported: mapOf(obj({ offsets: list(str(), 'sub-port offsets') }), 'breakouts by mode'),
      },
      'breakouts',
    ),
    autoNegAllowed: bool('autonegotiation allowed'),
    autoNegDefault: bool('autonegotiation default'),
  },
  'what a port can do',
);

export const switchProfileSpec: StructuralSchema = obj(
  {
    displayName: str('model name'),
    otherNames: list(str(), 'other model names'),
    switchSilicon: str('ASIC'),
    notes: str('free text'),
    features: obj(Object.fromEntries(FEATURES.map((f) => [f, bool(`supports ${f}`)])), 'supported features'),
    config: obj({ maxPathsEBGP: int32('eBGP multipath limit') }, 'NOS settings'),
    ports: mapOf(port, 'ports by API name'),
    portGroups: mapOf(obj({ nos: str('NOS group name'), profile: str('port profile') }), 'port groups'),
    portProfiles: mapOf(portProfile, 'port profiles by name'),
    nosType: str('NOS type'),
    platform: str('ONIE platform'),
    pipelines: mapOf(obj({ maxPorts: int('port limit of the pipeline') }), 'ASIC pipelines'),
    maxPorts: int('port limit of the switch'),
  },
  'a switch hardware model',
);

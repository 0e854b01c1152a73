/** Spec schema of Connection: exactly one member names the connection type (REFERENCE §2.8). */
import type { StructuralSchema } from '../structural-schema.js';
import { bool, int, IPV4_PATTERN, IPV4_PREFIX_PATTERN, list, obj, portRef, str } from './builders.js';

const addressedPort = obj({
  port: str('port as <device>/<port>'),
  ip: str('link IPv4 prefix', { pattern: IPV4_PREFIX_PATTERN }),
});

const serverLink = obj({ server: portRef(), switch: portRef() }, 'server port to switch port');
const switchPair = obj({ switch1: portRef(), switch2: portRef() }, 'two switch ports');

const serverFacing = (description: string, minLinks?: number) =>
  obj(
    {
      links: list(serverLink, 'links', minLinks === undefined ? {} : { minItems: minLinks }),
      mtu: int('MTU of the server-facing ports'),
      fallback: bool('LACP fallback'),
    },
    description,
  );

const addressedLinks = (a: string, b: string, description: string) =>
  obj(
    { links: list(obj({ [a]: addressedPort, [b]: addressedPort }), 'links', { minItems: 1 }) },
    description,
  );

export const connectionSpec: StructuralSchema = obj(
  {
    unbundled: obj(
      { link: serverLink, mtu: int('MTU of the server-facing port') },
      'one server port to one switch port',
    ),
    bundled: serverFacing('LACP port channel to one switch'),
    eslag: serverFacing('multi-homed server on an ESLAG group', 2),
    mclag: serverFacing('deprecated: multi-homed server on an MCLAG pair', 2),
    mclagDomain: obj(
      {
        peerLinks: list(switchPair, 'MCLAG peer links', { minItems: 1 }),
        sessionLinks: list(switchPair, 'MCLAG session links', { minItems: 1 }),
      },
      'deprecated: MCLAG pair links',
    ),
    fabric: addressedLinks('spine', 'leaf', 'spine to leaf links'),
    mesh: addressedLinks('leaf1', 'leaf2', 'leaf to leaf links'),
    gateway: addressedLinks('switch', 'gateway', 'switch to gateway links'),
    vpcLoopback: obj(
      { links: list(switchPair, 'loopback links on one switch', { minItems: 1 }) },
      'VPC loopback',
    ),
    external: obj({ link: obj({ switch: portRef() }) }, 'switch port facing an External'),
    staticExternal: obj(
      {
        link: obj({
          switch: obj({
            port: str('port as <device>/<port>'),
            ip: str('switch-side IPv4 prefix', { pattern: IPV4_PREFIX_PATTERN }),
            nextHop: str('next hop IPv4', { pattern: IPV4_PATTERN }),
            subnets: list(str(), 'prefixes behind the next hop'),
            vlan: int('VLAN on the switch port'),
          }),
        }),
        withinVPC: str('VPC the static external lives in'),
      },
      'static routes behind a switch port',
    ),
  },
  'a link between devices; exactly one member is set',
);

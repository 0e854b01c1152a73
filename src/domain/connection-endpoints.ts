/**
 * The shape of a Connection spec in one place (REFERENCE §2.8): which members are connection
 * types, and which device ports each type's links name. References, port checks and the graph
 * all read endpoints from here.
 */
import { isJsonObject, type JsonObject, type JsonValue } from './manifest.js';

/** Members of Connection.spec that name the connection type, with the label value the fabric derives. */
export const CONNECTION_TYPES = {
  unbundled: 'unbundled',
  bundled: 'bundled',
  eslag: 'eslag',
  mclag: 'mclag',
  mclagDomain: 'mclag-domain',
  fabric: 'fabric',
  mesh: 'mesh',
  gateway: 'gateway',
  vpcLoopback: 'vpc-loopback',
  external: 'external',
  staticExternal: 'static-external',
} as const;

export type ConnectionType = keyof typeof CONNECTION_TYPES;

export const isConnectionType = (key: string): key is ConnectionType => Object.hasOwn(CONNECTION_TYPES, key);

/** Which kind a link end names: a gateway end names a gateway, which is not a fabric-sync kind. */
export type EndpointKind = 'Switch' | 'Server' | 'Gateway';

export interface Endpoint {
  /** Path inside the object: spec.fabric.links[0].spine.port */
  readonly field: string;
  /** Link end: server, switch, spine, leaf, leaf1, leaf2, switch1, switch2, gateway. */
  readonly role: string;
  readonly targetKind: EndpointKind;
  /** The raw `<device>/<port>` string. */
  readonly value: string;
  readonly type: ConnectionType;
  /** The link end object holding the port (and, on addressed links, its `ip`). */
  readonly end: JsonObject;
}

/** Where the links of each type live and what each link end names. */
const LAYOUT: Readonly<
  Record<ConnectionType, { lists: readonly string[]; single?: string; ends: Record<string, EndpointKind> }>
> = {
  unbundled: { lists: [], single: 'link', ends: { server: 'Server', switch: 'Switch' } },
  bundled: { lists: ['links'], ends: { server: 'Server', switch: 'Switch' } },
  eslag: { lists: ['links'], ends: { server: 'Server', switch: 'Switch' } },
  mclag: { lists: ['links'], ends: { server: 'Server', switch: 'Switch' } },
  mclagDomain: { lists: ['peerLinks', 'sessionLinks'], ends: { switch1: 'Switch', switch2: 'Switch' } },
  fabric: { lists: ['links'], ends: { spine: 'Switch', leaf: 'Switch' } },
  mesh: { lists: ['links'], ends: { leaf1: 'Switch', leaf2: 'Switch' } },
  gateway: { lists: ['links'], ends: { switch: 'Switch', gateway: 'Gateway' } },
  vpcLoopback: { lists: ['links'], ends: { switch1: 'Switch', switch2: 'Switch' } },
  external: { lists: [], single: 'link', ends: { switch: 'Switch' } },
  staticExternal: { lists: [], single: 'link', ends: { switch: 'Switch' } },
};

/** The type members present in a Connection spec (valid specs have exactly one). */
export const connectionTypesOf = (spec: JsonObject | undefined): ConnectionType[] =>
  Object.keys(spec ?? {}).filter(isConnectionType);

function pushEnds(
  out: Endpoint[],
  type: ConnectionType,
  link: JsonValue | undefined,
  path: string,
  ends: Record<string, EndpointKind>,
): void {
  if (!isJsonObject(link)) return;
  for (const role in ends) {
    const end = link[role];
    if (!isJsonObject(end) || typeof end['port'] !== 'string') continue;
    out.push({ field: `${path}.${role}.port`, role, targetKind: ends[role]!, value: end['port'], type, end });
  }
}

/** Every port a Connection spec names, in document order (plain loops: called for every connection). */
export function connectionEndpoints(spec: JsonObject | undefined): Endpoint[] {
  const out: Endpoint[] = [];
  for (const type of connectionTypesOf(spec)) {
    const member = spec?.[type];
    if (!isJsonObject(member)) continue;
    const { lists, single, ends } = LAYOUT[type];
    const base = `spec.${type}`;
    if (single) pushEnds(out, type, member[single], `${base}.${single}`, ends);
    for (const list of lists) {
      const links = member[list];
      if (!Array.isArray(links)) continue;
      for (let i = 0; i < links.length; i++) pushEnds(out, type, links[i], `${base}.${list}[${i}]`, ends);
    }
  }
  return out;
}

/** Splits `<device>/<port>`; undefined when there is no device or no port. */
export function parsePortRef(value: string): { device: string; port: string } | undefined {
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return undefined;
  return { device: value.slice(0, slash), port: value.slice(slash + 1) };
}

/** The distinct devices of one kind the endpoints name; `''` stands for ports that name no device. */
export const devicesOf = (endpoints: readonly Endpoint[], kind: EndpointKind): Set<string> =>
  new Set(endpoints.filter((e) => e.targetKind === kind).map((e) => parsePortRef(e.value)?.device ?? ''));

/**
 * The physical port a switch port name occupies: a breakout sub-port `E1/4/1` occupies `E1/4`, so the
 * two collide (REFERENCE §2.8). Names other than `E<a>/<b>[/<c>]` stay as they are.
 */
export function physicalPort(port: string): string {
  const match = /^(E\d+\/\d+)\/\d+$/.exec(port);
  return match?.[1] ?? port;
}

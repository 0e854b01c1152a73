/**
 * Edges to parts of records that are not records themselves: the VPC subnet an attachment names,
 * and the device ports at each end of a connection's links (REFERENCE §2.2, §2.8).
 */
import { connectionEndpoints, parsePortRef } from './connection-endpoints.js';
import type { JsonObject, JsonValue } from './manifest.js';

/** `spec.subnet` of a VPCAttachment: `<vpc>/<subnet>`, a bare `<vpc>` meaning `<vpc>/default`. */
export function attachmentSubnet(value: JsonValue | undefined): { vpc: string; subnet: string } | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const [vpc = '', subnet] = value.split('/', 2);
  return { vpc, subnet: subnet || 'default' };
}

export interface DevicePort {
  /** The link end: server, switch, spine, leaf, leaf1, leaf2, switch1, switch2. */
  readonly role: string;
  /** Where the port is written: spec.eslag.links[1].switch.port */
  readonly field: string;
  readonly kind: 'Switch' | 'Server';
  /** The port as written, `leaf-01/E1/5`. */
  readonly port: string;
  /** The device the port names; undefined when the value names no device. */
  readonly device: string | undefined;
}

/** Every switch and server port a Connection spec names, in document order; gateway ends are not devices. */
export function devicePorts(spec: JsonObject | undefined): DevicePort[] {
  return connectionEndpoints(spec).flatMap(({ role, field, targetKind, value }) =>
    targetKind === 'Gateway'
      ? []
      : [{ role, field, kind: targetKind, port: value, device: parsePortRef(value)?.device }],
  );
}

/**
 * The project's own structural schemas for the 12 managed kinds and the two profile kinds, written
 * from REFERENCE.md §2 (the agreement test compares them with the real CRDs).
 */
import type { StructuralSchema } from '../structural-schema.js';
import { objectSchema } from './builders.js';
import { connectionSpec } from './connection.js';
import { switchProfileSpec } from './switch-profile.js';
import { vpcAttachmentSpec, vpcSpec } from './vpc.js';
import {
  externalAttachmentSpec,
  externalPeeringSpec,
  externalSpec,
  ipv4NamespaceSpec,
  vpcPeeringSpec,
} from './vpc-other.js';
import { serverProfileSpec, serverSpec, switchGroupSpec, switchSpec, vlanNamespaceSpec } from './wiring.js';

interface KindSchema {
  readonly spec: StructuralSchema;
  readonly description: string;
  /** Only ExternalAttachment's CRD requires `spec`. */
  readonly specRequired?: boolean;
}

const SPECS: Readonly<Record<string, KindSchema>> = {
  VLANNamespace: { spec: vlanNamespaceSpec, description: 'A pool of VLANs that VPCs and switches use.' },
  IPv4Namespace: {
    spec: ipv4NamespaceSpec,
    description: 'A pool of IPv4 prefixes for VPC subnets and Externals.',
  },
  SwitchGroup: { spec: switchGroupSpec, description: 'A named group of switches.' },
  Switch: { spec: switchSpec, description: 'A network switch of the fabric.' },
  Server: { spec: serverSpec, description: 'A server attached to the fabric.' },
  Connection: { spec: connectionSpec, description: 'A link between switches, servers or gateways.' },
  External: { spec: externalSpec, description: 'An outside network VPCs can peer with.' },
  VPC: { spec: vpcSpec, description: 'A tenant network made of subnets.' },
  ExternalAttachment: {
    spec: externalAttachmentSpec,
    description: 'How a switch port reaches an External.',
    specRequired: true,
  },
  VPCAttachment: { spec: vpcAttachmentSpec, description: 'Puts a VPC subnet on a server-facing Connection.' },
  VPCPeering: { spec: vpcPeeringSpec, description: 'Routing between two VPCs.' },
  ExternalPeering: {
    spec: externalPeeringSpec,
    description: 'Route exchange between a VPC and an External.',
  },
  SwitchProfile: { spec: switchProfileSpec, description: 'A switch hardware model (controller-owned).' },
  ServerProfile: { spec: serverProfileSpec, description: 'A server hardware model (unused by the fabric).' },
};

const OBJECT_SCHEMAS = new Map<string, StructuralSchema>(
  Object.entries(SPECS).map(([kind, { spec, description, specRequired }]) => [
    kind,
    objectSchema(spec, { description, specRequired: specRequired ?? false }),
  ]),
);

/** Schema of a kind's `spec`, or undefined for a kind fabric-sync does not know. */
export const specSchemaOf = (kind: string): StructuralSchema | undefined =>
  Object.hasOwn(SPECS, kind) ? SPECS[kind]?.spec : undefined;

/** Whether the kind's schema requires `spec` to be present. */
export const specRequiredFor = (kind: string): boolean =>
  Object.hasOwn(SPECS, kind) && SPECS[kind]?.specRequired === true;

/** The whole-object schema (the CRD's openAPIV3Schema). */
export const objectSchemaOf = (kind: string): StructuralSchema | undefined => OBJECT_SCHEMAS.get(kind);

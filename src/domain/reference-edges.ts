/**
 * Every kind of cross-object reference, once (REFERENCE §2 and §1.7). `edge` is the field name on the
 * referring object and `inverse` the field name on the target, as the GraphQL graph exposes them.
 */
export interface EdgeDef {
  readonly fromKind: string;
  readonly edge: string;
  readonly targetKind: string;
  readonly inverse: string;
  /** A dangling optional reference is not an error (the fabric neither checks nor uses it). */
  readonly optional: boolean;
}

const def = (
  fromKind: string,
  edge: string,
  targetKind: string,
  inverse: string,
  optional = false,
): EdgeDef => ({
  fromKind,
  edge,
  targetKind,
  inverse,
  optional,
});

export const EDGES = {
  vpcIpv4Namespace: def('VPC', 'ipv4Namespace', 'IPv4Namespace', 'vpcs'),
  vpcVlanNamespace: def('VPC', 'vlanNamespace', 'VLANNamespace', 'vpcs'),
  vpcRelay: def('VPC', 'relayVPCs', 'VPC', 'relayedBy'),
  attachmentVpc: def('VPCAttachment', 'vpc', 'VPC', 'attachments'),
  attachmentConnection: def('VPCAttachment', 'connection', 'Connection', 'attachments'),
  peeringVpc: def('VPCPeering', 'vpcs', 'VPC', 'peerings'),
  externalIpv4Namespace: def('External', 'ipv4Namespace', 'IPv4Namespace', 'externals'),
  extAttachmentExternal: def('ExternalAttachment', 'external', 'External', 'attachments'),
  extAttachmentConnection: def('ExternalAttachment', 'connection', 'Connection', 'externalAttachments'),
  extPeeringVpc: def('ExternalPeering', 'vpc', 'VPC', 'externalPeerings'),
  extPeeringExternal: def('ExternalPeering', 'external', 'External', 'peerings'),
  connectionSwitch: def('Connection', 'switches', 'Switch', 'connections'),
  connectionServer: def('Connection', 'servers', 'Server', 'connections'),
  connectionWithinVpc: def('Connection', 'withinVPC', 'VPC', 'staticExternals'),
  switchGroup: def('Switch', 'groups', 'SwitchGroup', 'switches'),
  switchRedundancyGroup: def('Switch', 'redundancyGroup', 'SwitchGroup', 'redundancyMembers'),
  switchVlanNamespace: def('Switch', 'vlanNamespaces', 'VLANNamespace', 'switches'),
  switchProfile: def('Switch', 'profile', 'SwitchProfile', 'switches'),
  serverProfile: def('Server', 'profile', 'ServerProfile', 'servers', true),
} as const satisfies Record<string, EdgeDef>;

export type EdgeName = keyof typeof EDGES;

const ALL_EDGES = Object.entries(EDGES) as [EdgeName, EdgeDef][];

/** The edges a kind's objects make (its outgoing GraphQL fields). */
export const edgesFrom = (kind: string): [EdgeName, EdgeDef][] =>
  ALL_EDGES.filter(([, e]) => e.fromKind === kind);

/** The edges that point at a kind (its reverse GraphQL fields, named by `inverse`). */
export const edgesTo = (kind: string): [EdgeName, EdgeDef][] =>
  ALL_EDGES.filter(([, e]) => e.targetKind === kind);

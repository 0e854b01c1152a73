/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type DiagramFormat =
  /** A Graphviz graph, for `dot -Tsvg`. */
  | 'DOT'
  /** A draw.io (diagrams.net) file: mxGraph XML. */
  | 'DRAWIO'
  /** A Mermaid flowchart (`flowchart TB`), for Markdown that renders Mermaid. */
  | 'MERMAID';

export type FabricConnectionStatus =
  | 'CONNECTED'
  | 'ERROR'
  | 'UNAUTHORIZED'
  | 'UNKNOWN'
  | 'UNREACHABLE';

export type FabricLifecycle =
  | 'ACTIVE'
  | 'DECOMMISSIONED'
  | 'MAINTENANCE'
  | 'PLANNED';

export type FabricSyncStatus =
  | 'IN_SYNC'
  | 'NEVER_SYNCED'
  | 'OUT_OF_SYNC'
  | 'UNKNOWN';

export type FabricWatchStatus =
  | 'ACTIVE'
  | 'ERROR'
  | 'INACTIVE'
  | 'RECONNECTING'
  | 'STARTING';

export type Kind =
  | 'Connection'
  | 'External'
  | 'ExternalAttachment'
  | 'ExternalPeering'
  | 'IPv4Namespace'
  | 'Server'
  | 'Switch'
  | 'SwitchGroup'
  | 'VLANNamespace'
  | 'VPC'
  | 'VPCAttachment'
  | 'VPCPeering';

export type OperationStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type OperationTrigger =
  | 'MANUAL'
  | 'SCHEDULE'
  | 'WATCH'
  | 'WEBHOOK';

export type OperationType =
  | 'APPLY'
  | 'DRIFT_CHECK'
  | 'GIT_SYNC'
  | 'RECONCILE'
  /** Re-applies records the watch saw deleted or changed, when the fabric's selfHeal is on (trigger WATCH). */
  | 'SELF_HEAL';

export type RecordEventType =
  | 'ADDED'
  | 'DELETED'
  | 'MODIFIED';

export type RecordState =
  | 'APPLIED'
  | 'DRIFTED'
  | 'ERROR'
  | 'INVALID'
  | 'IN_SYNC'
  | 'MISSING'
  | 'ORPHANED'
  | 'PENDING';

export type StageName =
  | 'APPLY'
  | 'COMPARE'
  | 'FETCH'
  | 'LIST'
  | 'PARSE'
  | 'PERSIST'
  | 'PLAN'
  | 'PRUNE'
  | 'VALIDATE';

export type StageStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  | 'SKIPPED'
  | 'SUCCEEDED';

export type TopologyLinkKind =
  /** A switch port that leaves the fabric (external, staticExternal, gateway): no target node. */
  | 'EXTERNAL'
  /** A switch to a server (unbundled, bundled, eslag, mclag). */
  | 'SERVER'
  /** Between switches (fabric, mesh, mclag-domain) or a switch to itself (vpcLoopback). */
  | 'SWITCH';

export type StatusPageOperationFieldsFragment = { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> };

export type StatusPageFabricFieldsFragment = { id: string, name: string, lifecycle: FabricLifecycle, suspended: boolean, suspendedReason: string | null, connectionStatus: FabricConnectionStatus, connectionMessage: string | null, syncStatus: FabricSyncStatus, watchStatus: FabricWatchStatus, watchMessage: string | null, syncedCommit: string | null, lastOperation: { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> } | null };

export type StatusPageFabricsQueryVariables = Exact<{ [key: string]: never; }>;


export type StatusPageFabricsQuery = { fabrics: { totalCount: number, nodes: Array<{ id: string, name: string, lifecycle: FabricLifecycle, suspended: boolean, suspendedReason: string | null, connectionStatus: FabricConnectionStatus, connectionMessage: string | null, syncStatus: FabricSyncStatus, watchStatus: FabricWatchStatus, watchMessage: string | null, syncedCommit: string | null, lastOperation: { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> } | null }> } };

export type StatusPageFabricSubscriptionVariables = Exact<{
  fabricId: string;
}>;


export type StatusPageFabricSubscription = { fabricStatus: { id: string, name: string, lifecycle: FabricLifecycle, suspended: boolean, suspendedReason: string | null, connectionStatus: FabricConnectionStatus, connectionMessage: string | null, syncStatus: FabricSyncStatus, watchStatus: FabricWatchStatus, watchMessage: string | null, syncedCommit: string | null, lastOperation: { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> } | null } };

export type StatusPageProgressSubscriptionVariables = Exact<{
  operationId: string;
}>;


export type StatusPageProgressSubscription = { operationProgress: { eventId: string, status: OperationStatus, operation: { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> } } };

export type StatusPageRecordsSubscriptionVariables = Exact<{
  fabricId: string;
}>;


export type StatusPageRecordsSubscription = { recordEvents: { eventId: string, type: RecordEventType, kind: Kind, namespace: string, name: string, state: RecordState | null, at: string } };

export type StatusPageSyncMutationVariables = Exact<{
  fabricId: string;
}>;


export type StatusPageSyncMutation = { syncFabric: { id: string, type: OperationType, trigger: OperationTrigger, status: OperationStatus, message: string | null, stages: Array<{ name: StageName, status: StageStatus, message: string | null, counts: Array<{ name: string, value: number }> }> } };

export type StatusPageTopologyQueryVariables = Exact<{
  fabricId: string;
}>;


export type StatusPageTopologyQuery = { topology: { nodes: Array<{ id: string, kind: Kind, name: string, role: string | null, group: string | null }>, links: Array<{ connectionName: string, connectionType: string, kind: TopologyLinkKind, source: string, target: string | null, ports: Array<{ sourcePort: string, targetPort: string | null }> }>, vpcMemberships: Array<{ vpcName: string, nodes: Array<string> }> } };

export type StatusPageDiagramQueryVariables = Exact<{
  fabricId: string;
  format: DiagramFormat;
}>;


export type StatusPageDiagramQuery = { fabric: { name: string, diagram: string } | null };

export const StatusPageOperationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StatusPageOperationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"stages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<StatusPageOperationFieldsFragment, unknown>;
export const StatusPageFabricFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StatusPageFabricFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Fabric"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"lifecycle"}},{"kind":"Field","name":{"kind":"Name","value":"suspended"}},{"kind":"Field","name":{"kind":"Name","value":"suspendedReason"}},{"kind":"Field","name":{"kind":"Name","value":"connectionStatus"}},{"kind":"Field","name":{"kind":"Name","value":"connectionMessage"}},{"kind":"Field","name":{"kind":"Name","value":"syncStatus"}},{"kind":"Field","name":{"kind":"Name","value":"watchStatus"}},{"kind":"Field","name":{"kind":"Name","value":"watchMessage"}},{"kind":"Field","name":{"kind":"Name","value":"syncedCommit"}},{"kind":"Field","name":{"kind":"Name","value":"lastOperation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"StatusPageOperationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"StatusPageOperationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Operation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"stages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]} as unknown as DocumentNode<StatusPageFabricFieldsFragment, unknown>;
export const StatusPageFabricsDocument = {"__meta__":{"hash":"sha256:46f03efa9ca36b825bb74f151c43f53d2654b46d3985fe627fe5208ead248691"}} as unknown as DocumentNode<StatusPageFabricsQuery, StatusPageFabricsQueryVariables>;
export const StatusPageFabricDocument = {"__meta__":{"hash":"sha256:056951831b4a423450ba9b6976dc772eb95a212e4b0935cf4b12eb4267f4e1cd"}} as unknown as DocumentNode<StatusPageFabricSubscription, StatusPageFabricSubscriptionVariables>;
export const StatusPageProgressDocument = {"__meta__":{"hash":"sha256:af0925046b940fce250acc2a62ae8cdb6e554aed3e6e3c51fd7f6ac537735325"}} as unknown as DocumentNode<StatusPageProgressSubscription, StatusPageProgressSubscriptionVariables>;
export const StatusPageRecordsDocument = {"__meta__":{"hash":"sha256:0b41eeaeeba64a8838835e5752dd46c34eabcddd676fab6245313bdf13316fca"}} as unknown as DocumentNode<StatusPageRecordsSubscription, StatusPageRecordsSubscriptionVariables>;
export const StatusPageSyncDocument = {"__meta__":{"hash":"sha256:f74797537efb52eb582a43106d23925b278a9b9fcca693cde58b4d3ceaeae55c"}} as unknown as DocumentNode<StatusPageSyncMutation, StatusPageSyncMutationVariables>;
export const StatusPageTopologyDocument = {"__meta__":{"hash":"sha256:5cdc081443e744855427c60be8f81c81daa37e6670f45a5b5614c0fb34521b41"}} as unknown as DocumentNode<StatusPageTopologyQuery, StatusPageTopologyQueryVariables>;
export const StatusPageDiagramDocument = {"__meta__":{"hash":"sha256:bb2966e2b51bea292f939e6be35c514ff36e0237e288c2efa2bd83a0c24150c5"}} as unknown as DocumentNode<StatusPageDiagramQuery, StatusPageDiagramQueryVariables>;
/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment StatusPageOperationFields on Operation {\n  id\n  type\n  trigger\n  status\n  message\n  stages {\n    name\n    status\n    counts {\n      name\n      value\n    }\n    message\n  }\n}\n\nfragment StatusPageFabricFields on Fabric {\n  id\n  name\n  lifecycle\n  suspended\n  suspendedReason\n  connectionStatus\n  connectionMessage\n  syncStatus\n  watchStatus\n  watchMessage\n  syncedCommit\n  lastOperation {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageFabrics {\n  fabrics(first: 100) {\n    totalCount\n    nodes {\n      ...StatusPageFabricFields\n    }\n  }\n}\n\nsubscription StatusPageFabric($fabricId: ID!) {\n  fabricStatus(fabricId: $fabricId) {\n    ...StatusPageFabricFields\n  }\n}\n\nsubscription StatusPageProgress($operationId: ID!) {\n  operationProgress(operationId: $operationId) {\n    eventId\n    status\n    operation {\n      ...StatusPageOperationFields\n    }\n  }\n}\n\nsubscription StatusPageRecords($fabricId: ID!) {\n  recordEvents(fabricId: $fabricId, after: \"0\") {\n    eventId\n    type\n    kind\n    namespace\n    name\n    state\n    at\n  }\n}\n\nmutation StatusPageSync($fabricId: ID!) {\n  syncFabric(fabricId: $fabricId) {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageTopology($fabricId: ID!) {\n  topology(fabricId: $fabricId) {\n    nodes {\n      id\n      kind\n      name\n      role\n      group\n    }\n    links {\n      connectionName\n      connectionType\n      kind\n      source\n      target\n      ports {\n        sourcePort\n        targetPort\n      }\n    }\n    vpcMemberships {\n      vpcName\n      nodes\n    }\n  }\n}\n\nquery StatusPageDiagram($fabricId: ID!, $format: DiagramFormat!) {\n  fabric(id: $fabricId) {\n    name\n    diagram(format: $format)\n  }\n}": typeof types.StatusPageOperationFieldsFragmentDoc,
};
const documents: Documents = {
    "fragment StatusPageOperationFields on Operation {\n  id\n  type\n  trigger\n  status\n  message\n  stages {\n    name\n    status\n    counts {\n      name\n      value\n    }\n    message\n  }\n}\n\nfragment StatusPageFabricFields on Fabric {\n  id\n  name\n  lifecycle\n  suspended\n  suspendedReason\n  connectionStatus\n  connectionMessage\n  syncStatus\n  watchStatus\n  watchMessage\n  syncedCommit\n  lastOperation {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageFabrics {\n  fabrics(first: 100) {\n    totalCount\n    nodes {\n      ...StatusPageFabricFields\n    }\n  }\n}\n\nsubscription StatusPageFabric($fabricId: ID!) {\n  fabricStatus(fabricId: $fabricId) {\n    ...StatusPageFabricFields\n  }\n}\n\nsubscription StatusPageProgress($operationId: ID!) {\n  operationProgress(operationId: $operationId) {\n    eventId\n    status\n    operation {\n      ...StatusPageOperationFields\n    }\n  }\n}\n\nsubscription StatusPageRecords($fabricId: ID!) {\n  recordEvents(fabricId: $fabricId, after: \"0\") {\n    eventId\n    type\n    kind\n    namespace\n    name\n    state\n    at\n  }\n}\n\nmutation StatusPageSync($fabricId: ID!) {\n  syncFabric(fabricId: $fabricId) {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageTopology($fabricId: ID!) {\n  topology(fabricId: $fabricId) {\n    nodes {\n      id\n      kind\n      name\n      role\n      group\n    }\n    links {\n      connectionName\n      connectionType\n      kind\n      source\n      target\n      ports {\n        sourcePort\n        targetPort\n      }\n    }\n    vpcMemberships {\n      vpcName\n      nodes\n    }\n  }\n}\n\nquery StatusPageDiagram($fabricId: ID!, $format: DiagramFormat!) {\n  fabric(id: $fabricId) {\n    name\n    diagram(format: $format)\n  }\n}": types.StatusPageOperationFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment StatusPageOperationFields on Operation {\n  id\n  type\n  trigger\n  status\n  message\n  stages {\n    name\n    status\n    counts {\n      name\n      value\n    }\n    message\n  }\n}\n\nfragment StatusPageFabricFields on Fabric {\n  id\n  name\n  lifecycle\n  suspended\n  suspendedReason\n  connectionStatus\n  connectionMessage\n  syncStatus\n  watchStatus\n  watchMessage\n  syncedCommit\n  lastOperation {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageFabrics {\n  fabrics(first: 100) {\n    totalCount\n    nodes {\n      ...StatusPageFabricFields\n    }\n  }\n}\n\nsubscription StatusPageFabric($fabricId: ID!) {\n  fabricStatus(fabricId: $fabricId) {\n    ...StatusPageFabricFields\n  }\n}\n\nsubscription StatusPageProgress($operationId: ID!) {\n  operationProgress(operationId: $operationId) {\n    eventId\n    status\n    operation {\n      ...StatusPageOperationFields\n    }\n  }\n}\n\nsubscription StatusPageRecords($fabricId: ID!) {\n  recordEvents(fabricId: $fabricId, after: \"0\") {\n    eventId\n    type\n    kind\n    namespace\n    name\n    state\n    at\n  }\n}\n\nmutation StatusPageSync($fabricId: ID!) {\n  syncFabric(fabricId: $fabricId) {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageTopology($fabricId: ID!) {\n  topology(fabricId: $fabricId) {\n    nodes {\n      id\n      kind\n      name\n      role\n      group\n    }\n    links {\n      connectionName\n      connectionType\n      kind\n      source\n      target\n      ports {\n        sourcePort\n        targetPort\n      }\n    }\n    vpcMemberships {\n      vpcName\n      nodes\n    }\n  }\n}\n\nquery StatusPageDiagram($fabricId: ID!, $format: DiagramFormat!) {\n  fabric(id: $fabricId) {\n    name\n    diagram(format: $format)\n  }\n}"): (typeof documents)["fragment StatusPageOperationFields on Operation {\n  id\n  type\n  trigger\n  status\n  message\n  stages {\n    name\n    status\n    counts {\n      name\n      value\n    }\n    message\n  }\n}\n\nfragment StatusPageFabricFields on Fabric {\n  id\n  name\n  lifecycle\n  suspended\n  suspendedReason\n  connectionStatus\n  connectionMessage\n  syncStatus\n  watchStatus\n  watchMessage\n  syncedCommit\n  lastOperation {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageFabrics {\n  fabrics(first: 100) {\n    totalCount\n    nodes {\n      ...StatusPageFabricFields\n    }\n  }\n}\n\nsubscription StatusPageFabric($fabricId: ID!) {\n  fabricStatus(fabricId: $fabricId) {\n    ...StatusPageFabricFields\n  }\n}\n\nsubscription StatusPageProgress($operationId: ID!) {\n  operationProgress(operationId: $operationId) {\n    eventId\n    status\n    operation {\n      ...StatusPageOperationFields\n    }\n  }\n}\n\nsubscription StatusPageRecords($fabricId: ID!) {\n  recordEvents(fabricId: $fabricId, after: \"0\") {\n    eventId\n    type\n    kind\n    namespace\n    name\n    state\n    at\n  }\n}\n\nmutation StatusPageSync($fabricId: ID!) {\n  syncFabric(fabricId: $fabricId) {\n    ...StatusPageOperationFields\n  }\n}\n\nquery StatusPageTopology($fabricId: ID!) {\n  topology(fabricId: $fabricId) {\n    nodes {\n      id\n      kind\n      name\n      role\n      group\n    }\n    links {\n      connectionName\n      connectionType\n      kind\n      source\n      target\n      ports {\n        sourcePort\n        targetPort\n      }\n    }\n    vpcMemberships {\n      vpcName\n      nodes\n    }\n  }\n}\n\nquery StatusPageDiagram($fabricId: ID!, $format: DiagramFormat!) {\n  fabric(id: $fabricId) {\n    name\n    diagram(format: $format)\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
// The GraphQL documents of the status page.
const OPERATION = `id type trigger status message
  stages { name status counts { name value } message }`;

const FABRIC = `id name lifecycle suspended suspendedReason connectionStatus connectionMessage syncStatus
  watchStatus watchMessage syncedCommit lastOperation { ${OPERATION} }`;

export const FABRICS = `query StatusPageFabrics { fabrics(first: 100) { totalCount nodes { ${FABRIC} } } }`;

export const FABRIC_STATUS = `subscription StatusPageFabric($fabricId: ID!) { fabricStatus(fabricId: $fabricId) { ${FABRIC} } }`;

export const OPERATION_PROGRESS = `subscription StatusPageProgress($operationId: ID!) {
  operationProgress(operationId: $operationId) { eventId status operation { ${OPERATION} } }
}`;

// after "0": replay the events the server still keeps, so a fresh page shows recent history too.
export const RECORD_EVENTS = `subscription StatusPageRecords($fabricId: ID!) {
  recordEvents(fabricId: $fabricId, after: "0") { eventId type kind namespace name state at }
}`;

export const SYNC_FABRIC = `mutation StatusPageSync($fabricId: ID!) { syncFabric(fabricId: $fabricId) { ${OPERATION} } }`;

export const TOPOLOGY = `query StatusPageTopology($fabricId: ID!) {
  topology(fabricId: $fabricId) {
    nodes { id kind name role group }
    links { connectionName connectionType kind source target ports { sourcePort targetPort } }
    vpcMemberships { vpcName nodes }
  }
}`;

export const DIAGRAM = `query StatusPageDiagram($fabricId: ID!, $format: DiagramFormat!) {
  fabric(id: $fabricId) { name diagram(format: $format) }
}`;

// The status page's GraphQL documents, typed by `npm run codegen` from ../documents.graphql. Each is
// only its id in the trusted-documents manifest the server always loads (graphql-client.js sends it).
export {
  StatusPageDiagramDocument as DIAGRAM,
  StatusPageFabricDocument as FABRIC_STATUS,
  StatusPageFabricsDocument as FABRICS,
  StatusPageProgressDocument as OPERATION_PROGRESS,
  StatusPageRecordsDocument as RECORD_EVENTS,
  StatusPageSyncDocument as SYNC_FABRIC,
  StatusPageTopologyDocument as TOPOLOGY,
} from '../generated/graphql.js';

/** The status page's fabric list as a Relay app writes it: a paginated, refetchable Query fragment. */
import { graphql } from './graphql-tag.js';

export const FabricListQuery = graphql`
  query FabricListQuery($count: Int = 20, $cursor: String) {
    ...FabricList_query @arguments(count: $count, cursor: $cursor)
  }
`;

export const FabricListFragment = graphql`
  fragment FabricList_query on Query
  @argumentDefinitions(count: { type: "Int", defaultValue: 20 }, cursor: { type: "String" })
  @refetchable(queryName: "FabricListPaginationQuery") {
    fabrics(first: $count, after: $cursor) @connection(key: "FabricList_fabrics") {
      totalCount
      edges {
        node {
          id
          name
          lifecycle
          connectionStatus
          syncStatus
          watchStatus
          lastOperation {
            id
            status
          }
          ...FabricOperations_fabric
          ...FabricRecords_fabric
        }
      }
    }
  }
`;

/** What a Relay store refreshes after a mutation: many objects of any type at once. */
export const FabricListNodesQuery = graphql`
  query FabricListNodesQuery($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Fabric {
        name
        syncStatus
      }
      ... on Operation {
        status
      }
    }
  }
`;

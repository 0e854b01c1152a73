/** A fabric's operations, newest first, paged forward ("load more") with usePaginationFragment. */
import { graphql } from './graphql-tag.js';

export const FabricOperationsFragment = graphql`
  fragment FabricOperations_fabric on Fabric
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" })
  @refetchable(queryName: "FabricOperationsPaginationQuery") {
    operations(first: $count, after: $cursor) @connection(key: "FabricOperations_operations") {
      edges {
        node {
          id
          type
          trigger
          status
          message
          stages {
            name
            status
            counts {
              name
              value
            }
          }
        }
      }
    }
  }
`;

/**
 * A fabric's records, paged both ways (usePaginationFragment's loadNext and loadPrevious), one
 * connection per kind filter.
 */
import { graphql } from './graphql-tag.js';

export const FabricRecordsFragment = graphql`
  fragment FabricRecords_fabric on Fabric
  @argumentDefinitions(
    kind: { type: "Kind" }
    first: { type: "Int", defaultValue: 20 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  )
  @refetchable(queryName: "FabricRecordsPaginationQuery") {
    records(kind: $kind, first: $first, after: $after, last: $last, before: $before)
      @connection(key: "FabricRecords_records", filters: ["kind"]) {
      totalCount
      edges {
        node {
          id
          kind
          name
          state
        }
      }
    }
  }
`;

/** The status page's topology: nodes are TopologyNodes, Nodes of their own, refetchable by id. */
import { graphql } from './graphql-tag.js';

export const TopologyQuery = graphql`
  query TopologyQuery($fabricId: ID!) {
    topology(fabricId: $fabricId) {
      nodes {
        ...Topology_node
      }
      links {
        connectionName
        kind
        source
        target
      }
      vpcMemberships {
        vpcName
        nodes
      }
    }
  }
`;

export const TopologyNodeFragment = graphql`
  fragment Topology_node on TopologyNode @refetchable(queryName: "TopologyNodeRefetchQuery") {
    id
    kind
    name
    role
    group
    record {
      id
      name
    }
  }
`;

/**
 * Abuse limits checked while validating a document, before anything executes: nesting depth,
 * aliases, and an estimated cost where every list multiplies its children by its page size (a list
 * without `first` counts as its maximum page).
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type ValidationContext,
  type ValidationRule,
  type GraphQLSchema,
  type DocumentNode,
  validate,
} from 'graphql';
import { MAX_IMPACT_RECORDS } from '../domain/impact.js';
import { MAX_PAGE_SIZE } from './pagination.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases?: number;
}

const limitError = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });

/** A Relay connection type, told by its shape (the Hedgehog kind `Connection` is not one). */
const isRelayConnection = (type: GraphQLNamedType | null | undefined): boolean =>
  isObjectType(type) && 'pageInfo' in type.getFields() && 'edges' in type.getFields();

/**
 * Fields the generic rule prices wrong. A topology is one read of the whole fabric whose lists hold
 * plain values (nothing under them loads more): it costs about a full page of records with a few
 * fields, and its lists do not multiply. Impact lists hold up to MAX_IMPACT_RECORDS records each.
 */
const FIELD_COSTS: Readonly<Record<string, { readonly cost?: number; readonly fanOut?: number }>> = {
  'Query.topology': { cost: 4 * MAX_PAGE_SIZE, fanOut: 1 },
  'Topology.nodes': { fanOut: 1 },
  'Topology.links': { fanOut: 1 },
  'Topology.vpcMemberships': { fanOut: 1 },
  'TopologyNode.groups': { fanOut: 1 },
  'TopologyLink.ports': { fanOut: 1 },
  'VPCMembership.nodes': { fanOut: 1 },
  // A connection names one server and at most four switches (ESLAG, REFERENCE §2.8); a switch has
  // at most three redundancy peers. Every other plain list counts as ten.
  'Connection.switches': { fanOut: 4 },
  'Connection.servers': { fanOut: 1 },
  'VPCAttachment.switches': { fanOut: 4 },
  'VPCAttachment.servers': { fanOut: 1 },
  'Switch.redundancyPeers': { fanOut: 3 },
  'Impact.impacted': { fanOut: MAX_IMPACT_RECORDS },
  'Impact.deleteBlockers': { fanOut: MAX_IMPACT_RECORDS },
};

/** Connections and plain lists both fan out; a connection's own edges/nodes do not fan out again. */
function fanOut(
  type: GraphQLOutputType,
  node: FieldNode,
  variables: Record<string, unknown>,
  parent: GraphQLNamedType | null | undefined,
): number {
  if (isRelayConnection(parent)) return 1;
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  const isConnection = isRelayConnection(getNamedType(type));
  if (!isListType(unwrapped) && !isConnection) return 1;
  const first = node.arguments?.find((a) => a.name.value === 'first');
  if (!first) return isConnection ? MAX_PAGE_SIZE : 10;
  if (first.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first.value.kind === Kind.VARIABLE) {
    const value = variables[first.value.name.value];
    return typeof value === 'number' ? Math.max(1, value) : MAX_PAGE_SIZE;
  }
  return MAX_PAGE_SIZE;
}

export function queryLimitRules(
  { maxDepth, maxCost, maxAliases = 30 }: QueryLimits,
  variables: Record<string, unknown> = {},
): ValidationRule[] {
  const rule = (context: ValidationContext): ASTVisitor => {
    let depth = 0;
    let aliases = 0;
    let cost = 0;
    const multipliers: number[] = [1];
    const reported = new Set<string>();
    const report = (key: string, message: string) => {
      if (reported.has(key)) return;
      reported.add(key);
      context.reportError(limitError(message));
    };
    return {
      Field: {
        enter(node) {
          depth += 1;
          if (node.alias) aliases += 1;
          if (depth > maxDepth) report('depth', `query is nested deeper than ${maxDepth} levels`);
          if (aliases > maxAliases) report('aliases', `query uses more than ${maxAliases} aliases`);
          const type = context.getType();
          const parent = context.getParentType();
          const priced = FIELD_COSTS[`${parent?.name}.${node.name.value}`] ?? {};
          const parentMultiplier = multipliers.at(-1) ?? 1;
          const multiplier = type
            ? parentMultiplier * (priced.fanOut ?? fanOut(type, node, variables, parent))
            : parentMultiplier;
          cost += parentMultiplier * (priced.cost ?? 1);
          if (cost > maxCost)
            report(
              'cost',
              `query cost exceeds ${maxCost} (lists count as their page size; pass smaller 'first' values)`,
            );
          multipliers.push(multiplier);
        },
        leave() {
          depth -= 1;
          multipliers.pop();
        },
      },
    };
  };
  return [rule];
}

/** Runs the limit rules with the request's variables, so `first: $n` counts as what the client asked for. */
export function limitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): readonly GraphQLError[] {
  return validate(schema, document, queryLimitRules(limits, variables ?? {}));
}

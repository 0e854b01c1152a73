/**
 * Abuse limits checked after validation, before anything executes: nesting depth, aliases, and an
 * estimated cost where every list multiplies its children by its page size (a list without `first`
 * or `last` counts as its maximum page). Each is measured over what runs: every operation with its named and
 * inline fragments expanded in place, so moving a selection set into a fragment changes nothing.
 */
import {
  GraphQLError,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  isInterfaceType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isWrappingType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_IMPACT_RECORDS } from '../domain/impact.js';
import { MAX_NODES } from './ids.js';
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
 * fields, and its lists do not multiply. Impact lists hold up to MAX_IMPACT_RECORDS records each,
 * `nodes(ids)` up to MAX_NODES objects.
 */
const FIELD_COSTS: Readonly<Record<string, { readonly cost?: number; readonly fanOut?: number }>> = {
  'Query.topology': { cost: 4 * MAX_PAGE_SIZE, fanOut: 1 },
  // A diagram is drawn from that same read, once per fabric it is asked of.
  'Fabric.diagram': { cost: 4 * MAX_PAGE_SIZE },
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
  'Query.nodes': { fanOut: MAX_NODES },
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
  // A page's size is its `first`, or its `last` when read backward.
  const size = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (!size) return isConnection ? MAX_PAGE_SIZE : 10;
  if (size.value.kind === Kind.INT) return Math.max(1, Number(size.value.value));
  if (size.value.kind === Kind.VARIABLE) {
    const value = variables[size.value.name.value];
    return typeof value === 'number' ? Math.max(1, value) : MAX_PAGE_SIZE;
  }
  return MAX_PAGE_SIZE;
}

/** What one selection set costs when it runs once (its parent list's page size multiplies the cost). */
interface Measures {
  readonly depth: number;
  readonly cost: number;
  readonly aliases: number;
}

const NOTHING: Measures = { depth: 0, cost: 0, aliases: 0 };

const add = (a: Measures, b: Measures): Measures => ({
  depth: Math.max(a.depth, b.depth),
  cost: a.cost + b.cost,
  aliases: a.aliases + b.aliases,
});

/**
 * The most wrappers (lists, non-nulls) around any type the schema uses. A `__Type.ofType` chain is
 * null past that many steps, and nothing under a null runs: GraphiQL's introspection query asks for
 * eight steps of it, for every field and argument.
 */
const wrappingDepths = new WeakMap<GraphQLSchema, number>();
function deepestWrapping(schema: GraphQLSchema): number {
  const known = wrappingDepths.get(schema);
  if (known !== undefined) return known;
  const wrappers = (type: GraphQLType): number => (isWrappingType(type) ? 1 + wrappers(type.ofType) : 0);
  let deepest = 0;
  const see = (type: GraphQLType) => (deepest = Math.max(deepest, wrappers(type)));
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type))
      for (const field of Object.values(type.getFields())) {
        see(field.type);
        field.args.forEach((arg) => see(arg.type));
      }
    if (isInputObjectType(type)) Object.values(type.getFields()).forEach((field) => see(field.type));
  }
  schema.getDirectives().forEach((directive) => directive.args.forEach((arg) => see(arg.type)));
  wrappingDepths.set(schema, deepest);
  return deepest;
}

function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent && parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * Walks a document's selection sets with fragments expanded. A fragment is measured once and its
 * measures reused (cost is linear in the multiplier, so a spread costs its multiplier times the
 * fragment's), which keeps a chain of fragments that doubles at every step linear to measure; a
 * spread of a fragment already being expanded (a cycle, which validation refuses) counts nothing.
 */
class QueryMeasurer {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** By fragment name and the `ofType` steps above its spread. */
  private readonly measured = new Map<string, Measures>();
  private readonly expanding = new Set<string>();
  private readonly wrapping: number;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    this.wrapping = deepestWrapping(schema);
  }

  /** `ofTypeSteps`: how many `__Type.ofType` fields in a row lead here (0 anywhere else). */
  selectionSet(
    set: SelectionSetNode | undefined,
    parent: GraphQLNamedType | undefined,
    ofTypeSteps = 0,
  ): Measures {
    return (set?.selections ?? []).reduce(
      (total, selection) => add(total, this.selection(selection, parent, ofTypeSteps)),
      NOTHING,
    );
  }

  private selection(
    selection: SelectionNode,
    parent: GraphQLNamedType | undefined,
    ofTypeSteps: number,
  ): Measures {
    if (selection.kind === Kind.FIELD) return this.field(selection, parent, ofTypeSteps);
    if (selection.kind === Kind.FRAGMENT_SPREAD) return this.fragment(selection.name.value, ofTypeSteps);
    const condition = selection.typeCondition?.name.value;
    const type = condition ? this.typeNamed(condition) : parent;
    return this.selectionSet(selection.selectionSet, type, ofTypeSteps);
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined, ofTypeSteps: number): Measures {
    const type = fieldDefinition(this.schema, parent, node.name.value)?.type;
    const steps = parent?.name === '__Type' && node.name.value === 'ofType' ? ofTypeSteps + 1 : 0;
    const priced = FIELD_COSTS[`${parent?.name}.${node.name.value}`] ?? {};
    const fan = type ? (priced.fanOut ?? fanOut(type, node, this.variables, parent)) : 1;
    const children =
      steps > this.wrapping
        ? NOTHING
        : this.selectionSet(node.selectionSet, type && getNamedType(type), steps);
    return {
      depth: 1 + children.depth,
      cost: (priced.cost ?? 1) + fan * children.cost,
      aliases: (node.alias ? 1 : 0) + children.aliases,
    };
  }

  private fragment(name: string, ofTypeSteps: number): Measures {
    const key = `${name}@${ofTypeSteps}`;
    const known = this.measured.get(key);
    const definition = this.fragments.get(name);
    if (known || !definition || this.expanding.has(name)) return known ?? NOTHING;
    this.expanding.add(name);
    const type = this.typeNamed(definition.typeCondition.name.value);
    const measures = this.selectionSet(definition.selectionSet, type, ofTypeSteps);
    this.expanding.delete(name);
    this.measured.set(key, measures);
    return measures;
  }

  private typeNamed(name: string): GraphQLNamedType | undefined {
    return this.schema.getType(name) ?? undefined;
  }
}

/**
 * The limit errors of every operation in the document, measured with the request's variables (so
 * `first: $n` counts as what the client asked for). Run it on a validated document only.
 */
export function limitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  { maxDepth, maxCost, maxAliases = 30 }: QueryLimits,
): readonly GraphQLError[] {
  const measurer = new QueryMeasurer(schema, document, variables ?? {});
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const measured = operations.map((operation) =>
    measurer.selectionSet(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined),
  );
  const worst = (of: keyof Measures) => Math.max(0, ...measured.map((m) => m[of]));
  const errors: GraphQLError[] = [];
  if (worst('depth') > maxDepth) errors.push(limitError(`query is nested deeper than ${maxDepth} levels`));
  if (worst('aliases') > maxAliases) errors.push(limitError(`query uses more than ${maxAliases} aliases`));
  if (worst('cost') > maxCost)
    errors.push(
      limitError(
        `query cost exceeds ${maxCost} (lists count as their page size; pass smaller 'first' values)`,
      ),
    );
  return errors;
}

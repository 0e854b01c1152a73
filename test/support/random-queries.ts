/**
 * Random valid queries over a schema, for the query limits' property test: selection trees with
 * random `first:` (a literal or `$n`), aliases and inline fragments on an interface's
 * implementations, printed twice: inline, and with every selection set moved into a fragment
 * (named, reused where two are alike, or inline with or without a type condition).
 */
import {
  getNamedType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import type { Random } from './fixtures/random.js';

type Selection =
  | {
      readonly kind: 'field';
      readonly text: string;
      readonly type: GraphQLCompositeType | null;
      readonly children: readonly Selection[];
    }
  | { readonly kind: 'inline'; readonly type: GraphQLCompositeType; readonly children: readonly Selection[] };

export interface RandomQuery {
  /** Every selection set written in place. */
  readonly inline: string;
  /** The same operation with every selection set behind a fragment. */
  readonly fragments: string;
  readonly variables: Record<string, unknown>;
}

const LITERALS: Readonly<Record<string, string>> = {
  ID: '"x"',
  String: '"x"',
  Int: '3',
  Float: '1.5',
  Boolean: 'true',
};

export function randomQuery(schema: GraphQLSchema, random: Random, maxLevels: number): RandomQuery {
  let usesVariable = false;
  let aliases = 0;

  /** Whether every required argument can be given a literal. */
  const askable = (field: GraphQLField<unknown, unknown>): boolean =>
    field.args.every((arg) => arg.name === 'first' || requiredValue(arg) !== null);
  const argumentsOf = (field: GraphQLField<unknown, unknown>): string => {
    const written = field.args.flatMap((arg) => {
      const value = arg.name === 'first' ? firstValue() : requiredValue(arg);
      return value ? [`${arg.name}: ${value}`] : [];
    });
    return written.length ? `(${written.join(', ')})` : '';
  };
  const firstValue = (): string | undefined => {
    const roll = random.next();
    if (roll < 0.2) return undefined;
    if (roll < 0.4) return (usesVariable = true) && '$n';
    return String(1 + random.int(60));
  };
  const requiredValue = (arg: GraphQLArgument): string | null | undefined => {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) return undefined;
    const type = getNamedType(arg.type);
    if (isEnumType(type)) return type.getValues()[0]?.name ?? null;
    return LITERALS[type.name] ?? null;
  };

  /** Selection sets made so far, by type: some are used again, as a fragment spread in two places. */
  const made = new Map<GraphQLCompositeType, Selection[]>();
  const selections = (
    type: GraphQLCompositeType,
    levels: number,
    taken: ReadonlySet<string> = new Set(),
  ): Selection[] => {
    const again = taken.size === 0 ? made.get(type) : undefined;
    if (again && random.next() < 0.8) return again;
    const picked = freshSelections(type, levels, taken);
    if (taken.size === 0) made.set(type, picked);
    return picked;
  };
  const freshSelections = (
    type: GraphQLCompositeType,
    levels: number,
    taken: ReadonlySet<string>,
  ): Selection[] => {
    const typename: Selection = { kind: 'field', text: '__typename', type: null, children: [] };
    if (isUnionType(type)) return [typename];
    const candidates = Object.values(type.getFields()).filter(
      (field) =>
        !taken.has(field.name) && (levels > 1 || isLeafType(getNamedType(field.type))) && askable(field),
    );
    const chosen = shuffle(candidates).slice(0, 1 + random.int(3));
    const picked: Selection[] = chosen.map((field) => {
      const named = getNamedType(field.type);
      const alias = random.next() < 0.1 ? `a${aliases++}: ` : '';
      const text = `${alias}${field.name}${argumentsOf(field)}`;
      if (!isCompositeType(named)) return { kind: 'field', text, type: null, children: [] };
      return { kind: 'field', text, type: named, children: selections(named, levels - 1) };
    });
    if (picked.length === 0) picked.push(typename);
    if (isInterfaceType(type) && random.next() < 0.4) {
      const implementation = random.pick(schema.getPossibleTypes(type));
      const names = new Set(chosen.map((field) => field.name));
      picked.push({
        kind: 'inline',
        type: implementation,
        children: selections(implementation, levels, names),
      });
    }
    return picked;
  };
  const shuffle = <T>(items: readonly T[]): T[] =>
    items
      .map((item) => ({ item, key: random.next() }))
      .sort((a, b) => a.key - b.key)
      .map(({ item }) => item);

  const query = schema.getQueryType();
  if (!query) throw new Error('the schema has no query type');
  const root = selections(query, maxLevels);

  const inlineSet = (children: readonly Selection[]): string =>
    `{ ${children.map((s) => (s.kind === 'field' ? s.text : `... on ${s.type.name}`) + (s.children.length ? ` ${inlineSet(s.children)}` : '')).join(' ')} }`;

  /** Fragment name by its type and body: a selection set met twice spreads one fragment twice. */
  const fragments = new Map<string, string>();
  /** A selection set used twice prints the same both times, so its named fragment is spread twice. */
  const printed = new Map<readonly Selection[], string>();
  const fragmentSet = (type: GraphQLCompositeType, children: readonly Selection[]): string => {
    const known = printed.get(children);
    if (known !== undefined) return known;
    const set = printFragmentSet(type, children);
    printed.set(children, set);
    return set;
  };
  const printFragmentSet = (type: GraphQLCompositeType, children: readonly Selection[]): string => {
    const body = children
      .map((s) => {
        const head = s.kind === 'field' ? s.text : `... on ${s.type.name}`;
        return s.children.length ? `${head} ${fragmentSet(s.type ?? type, s.children)}` : head;
      })
      .join(' ');
    const roll = random.next();
    if (roll < 0.25) return `{ ... { ${body} } }`;
    if (roll < 0.5) return `{ ... on ${type.name} { ${body} } }`;
    const definition = `on ${type.name} { ${body} }`;
    const name = fragments.get(definition) ?? `F${fragments.size}`;
    fragments.set(definition, name);
    return `{ ...${name} }`;
  };

  const head = usesVariable ? 'query Q($n: Int)' : 'query Q';
  const operation = `${head} ${fragmentSet(query, root)}`;
  const definitions = [...fragments].map(([definition, name]) => `fragment ${name} ${definition}`);
  return {
    inline: `${head} ${inlineSet(root)}`,
    fragments: [operation, ...definitions].join(' '),
    variables: usesVariable ? { n: 1 + random.int(60) } : {},
  };
}

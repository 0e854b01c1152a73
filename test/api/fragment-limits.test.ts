/**
 * The query limits count what runs: an operation costs the same, and nests as deep, whether its
 * selection sets are written in place or behind named and inline fragments. A property test over
 * random queries of the real schema, plus the shapes an attacker would use.
 */
import { getIntrospectionQuery, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitErrors, type QueryLimits } from '../../src/api/limits.js';
import { buildSchema } from '../../src/api/schema.js';
import { seededRandom } from '../support/fixtures/random.js';
import { randomQuery } from '../support/random-queries.js';

const schema = buildSchema();
const UNLIMITED: QueryLimits = { maxDepth: Infinity, maxCost: Infinity, maxAliases: Infinity };

/** The smallest value of one limit that admits the document: what the limits measured. */
function measured(
  document: DocumentNode,
  variables: Record<string, unknown>,
  limit: keyof QueryLimits,
): number {
  const admits = (value: number) =>
    limitErrors(schema, document, variables, { ...UNLIMITED, [limit]: value }).length === 0;
  let high = 1;
  while (!admits(high)) high *= 2;
  let low = 0;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (admits(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

const measures = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return {
    depth: measured(document, variables, 'maxDepth'),
    cost: measured(document, variables, 'maxCost'),
    aliases: measured(document, variables, 'maxAliases'),
  };
};

describe('limits over fragments', () => {
  it('measure 200 random queries the same inline and with every selection set in a fragment', () => {
    const random = seededRandom(16);
    let reused = 0;
    for (let i = 0; i < 200; i++) {
      const query = randomQuery(schema, random, 2 + random.int(4));
      const inline = measures(query.inline, query.variables);
      expect(measures(query.fragments, query.variables), `${query.inline}\n${query.fragments}`).toEqual(
        inline,
      );
      if (/\.\.\.(F\d+)\b[^]*\.\.\.\1\b/.test(query.fragments)) reused += 1;
    }
    expect(reused).toBeGreaterThan(10); // fragments spread more than once are among the cases
  });

  const VIEWER_ATTACK = `query {
    fabric(name: "x") { records(first: 500) { nodes { ...L1 } } }
  }
  fragment L1 on Record { fabric { records(first: 500) { nodes { ...L2 } } } }
  fragment L2 on Record { fabric { records(first: 500) { nodes { ...L3 } } } }
  fragment L3 on Record { fabric { records(first: 500) { nodes { ...L4 } } } }
  fragment L4 on Record { name }`;

  it('refuse the nesting through four fragments that the inline form is refused for', () => {
    const limits = { maxDepth: 20, maxCost: 50_000 };
    const errors = limitErrors(schema, parse(VIEWER_ATTACK), {}, limits);
    expect(errors.map((e) => e.extensions['code'])).toContain('QUERY_TOO_COMPLEX');
    expect(errors.map((e) => e.message).join()).toMatch(/cost exceeds 50000/);
  });

  it('count a fragment spread twice twice, and its aliases with it', () => {
    const once = measures(`{ ...F } fragment F on Query { a: fabrics(first: 7) { nodes { name } } }`);
    const twice = measures(
      `{ ...F ... { ...F } } fragment F on Query { a: fabrics(first: 7) { nodes { name } } }`,
    );
    expect(once).toEqual({ depth: 3, cost: 1 + 7 + 7, aliases: 1 });
    expect(twice).toEqual({ depth: 3, cost: 2 * (1 + 7 + 7), aliases: 2 });
  });

  it('measure a fragment cycle, which validation refuses, without following it round', () => {
    const cycle = `{ fabric(name: "x") { ...A } } fragment A on Fabric { repository { fabrics { ...A } } }`;
    const document = parse(cycle);
    expect(validate(schema, document).map((e) => e.message)).toEqual([
      expect.stringMatching(/within itself/),
    ]);
    expect(limitErrors(schema, document, {}, { maxDepth: 3, maxCost: 3 })).toEqual([]);
  });

  it("admit GraphiQL's introspection query, whose type references nest through a fragment", () => {
    for (const query of [getIntrospectionQuery(), getIntrospectionQuery({ inputValueDeprecation: true })])
      expect(limitErrors(schema, parse(query), {}, { maxDepth: 12, maxCost: 50_000 })).toEqual([]);
  });

  it('refuse a fragment chain that doubles at every step without expanding it', () => {
    const steps = 40; // 2^40 fields expanded: only a memoized walk answers
    const chain = Array.from(
      { length: steps },
      (_, i) =>
        `fragment D${i} on Fabric { a${i}: repository { fabrics(first: 1) { nodes { ...D${i + 1} } } } b${i}: repository { fabrics(first: 1) { nodes { ...D${i + 1} } } } }`,
    ).join(' ');
    const query = `{ fabric(name: "x") { ...D0 } } ${chain} fragment D${steps} on Fabric { name }`;
    const errors = limitErrors(
      schema,
      parse(query),
      {},
      { maxDepth: 1000, maxCost: 50_000, maxAliases: 1e15 },
    );
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/cost exceeds 50000/)]);
  });
});

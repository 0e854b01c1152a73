/** How the query cost limit prices the graph's edges: device lists of a connection at their bounds. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitErrors } from '../../src/api/limits.js';
import { buildSchema } from '../../src/api/schema.js';

const schema = buildSchema();

/** The smallest cost limit that admits `query`: the estimated cost. */
function costOf(query: string): number {
  const document = parse(query);
  let [low, high] = [1, 10_000_000];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (limitErrors(schema, document, {}, { maxDepth: 15, maxCost: mid }).length > 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

const records = (kind: string, first: number, selection: string) =>
  `{ records(fabricId: "f", kind: ${kind}, first: ${first}) { nodes { ... on ${kind} { ${selection} } } } }`;

describe('query cost of graph edges', () => {
  it('prices the switches and servers of a connection at what it can name (4 and 1)', () => {
    // records 1 + nodes 20 + subnets 20 + attachments 20·10 + switches 200·10 + their names 2000·4
    // + servers 2000 + their names 2000·1.
    const walk = 'subnets { attachments { switches { name } servers { name } } }';
    expect(costOf(records('VPC', 20, walk))).toBe(1 + 20 + 20 + 200 + 2000 + 8000 + 2000 + 2000);
    expect(costOf(records('Connection', 100, 'switches { name } servers { name }'))).toBe(
      1 + 100 + 100 + 400 + 100 + 100,
    );
  });

  it('prices redundancy peers at three, and the other new lists at ten like every plain list', () => {
    const peers = 'redundancyPeers { redundancyPeers { name } }';
    expect(costOf(records('Switch', 100, peers))).toBe(1 + 100 + 100 + 300 + 900);
    const lists = 'attachments { name } servers { name } connections { name }';
    expect(costOf(records('Switch', 100, lists))).toBe(1 + 100 + 3 * (100 + 1000));
    expect(costOf(records('Connection', 100, 'endpoints { role }'))).toBe(1 + 100 + 100 + 1000);
  });
});

/** A subscription server executes an event once per sharing key, and only its own subscribers share it. */
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SharedEvents } from '../../src/api/shared-execution.js';

const event = Object.freeze({ n: 7 }); // every local subscriber receives this same envelope
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { n: { type: GraphQLInt } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      tick: {
        type: GraphQLInt,
        subscribe: async function* () {
          yield event;
        },
        resolve: (e: { n: number }) => e.n,
      },
    },
  }),
});
const document = parse('subscription { tick }');

/** The first result one subscriber receives, counting the executions (each asks for a fresh context). */
async function firstResult(server: SharedEvents, key: string, executions: { count: number }) {
  const stream = await server.subscribe(
    { schema, document },
    { key, context: () => ({ execution: ++executions.count }) },
  );
  if (!(Symbol.asyncIterator in stream)) throw new Error(`no stream: ${JSON.stringify(stream)}`);
  const item = await stream.next();
  await stream.return?.();
  return item.value as ExecutionResult;
}

describe('SharedEvents', () => {
  it('executes one event once for subscribers with the same key', async () => {
    const server = new SharedEvents();
    const executions = { count: 0 };
    const results = await Promise.all([
      firstResult(server, 'viewer', executions),
      firstResult(server, 'viewer', executions),
    ]);
    expect(results).toEqual([{ data: { tick: 7 } }, { data: { tick: 7 } }]);
    expect(executions.count).toBe(1);
  });

  it('executes again for another key, and shares nothing with another server', async () => {
    const server = new SharedEvents();
    const executions = { count: 0 };
    await firstResult(server, 'viewer', executions);
    await firstResult(server, 'admin', executions);
    await firstResult(new SharedEvents(), 'viewer', executions);
    expect(executions.count).toBe(3);
  });

  it('makes the root value of one event once', async () => {
    const server = new SharedEvents();
    let made = 0;
    const make = async () => ({ made: ++made });
    const [a, b] = await Promise.all([server.once(event, make), server.once(event, make)]);
    expect(a).toBe(b);
    expect(await new SharedEvents().once(event, make)).toEqual({ made: 2 });
  });
});

/**
 * A client nobody here wrote: relay-compiler (npm's prebuilt binary) compiles the Relay app of
 * test/relay against schema.graphql — @connection, @refetchable and pagination fragments on every
 * list the status page shows — and the server answers the queries Relay generated, paging backward
 * the way usePaginationFragment's loadPrevious does.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/app.js';
import { RECORDS, useRelayFixture } from './relay-fixture.js';

const f = useRelayFixture();
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLIENT = path.join(ROOT, 'test/relay');
let work: string;
let output: string;

beforeAll(async () => {
  // The checked-in config, re-rooted in a temporary directory that receives the artifacts.
  work = await mkdtemp(path.join(tmpdir(), 'relay-'));
  await mkdir(path.join(work, '__generated__'));
  const config = JSON.parse(await readFile(path.join(CLIENT, 'relay.config.json'), 'utf8')) as object;
  await writeFile(
    path.join(work, 'relay.config.json'),
    JSON.stringify({
      ...config,
      src: path.relative(work, CLIENT),
      schema: path.relative(work, path.join(ROOT, 'schema.graphql')),
      artifactDirectory: './__generated__',
    }),
  );
  const compiler = path.join(ROOT, 'node_modules/.bin/relay-compiler');
  const run = await promisify(execFile)(compiler, ['relay.config.json', '--noWatchman'], { cwd: work });
  output = run.stdout + run.stderr;
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The operation text relay-compiler generated for `name`. */
async function generated(name: string): Promise<string> {
  const artifact = await readFile(path.join(work, '__generated__', `${name}.graphql.ts`), 'utf8');
  const text = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact)?.[1];
  if (!text) throw new Error(`no operation text in ${name}`);
  return JSON.parse(text) as string;
}

interface RecordsPage {
  node: {
    records: {
      edges: { cursor: string; node: { name: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
    };
  };
}

describe('relay-compiler', () => {
  it('compiles every fragment and query of the Relay client', async () => {
    expect(output).toContain('Compilation completed');
    expect((await readdir(path.join(work, '__generated__'))).sort()).toEqual(
      [
        'FabricListNodesQuery',
        'FabricListPaginationQuery',
        'FabricListQuery',
        'FabricList_query',
        'FabricOperationsPaginationQuery',
        'FabricOperations_fabric',
        'FabricRecordsPaginationQuery',
        'FabricRecords_fabric',
        'TopologyNodeRefetchQuery',
        'TopologyQuery',
        'Topology_node',
      ].map((name) => `${name}.graphql.ts`),
    );
  });

  it('generates pagination queries the server pages both ways', async () => {
    const query = await generated('FabricRecordsPaginationQuery');
    const load = async (variables: Record<string, unknown>) =>
      dataOf(await f.t.gql<RecordsPage>(query, { id: f.fabrics['a'], ...variables })).node.records;
    const forward: string[] = [];
    for (let after: string | null = null; ;) {
      const page = await load({ first: 3, after });
      forward.push(...page.edges.map((e) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    // loadPrevious: first null, last and before set.
    const backward: string[] = [];
    for (let before: string | null = null; ;) {
      const page = await load({ first: null, last: 3, before });
      backward.unshift(...page.edges.map((e) => e.node.name));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(forward).toHaveLength(RECORDS.length);
    expect(backward).toEqual(forward);
  });

  it('generates refetch queries through node(id), TopologyNode included', async () => {
    const { topology } = dataOf(
      await f.t.gql<{ topology: { nodes: { id: string; name: string }[] } }>(
        await generated('TopologyQuery'),
        { fabricId: f.fabrics['a'] },
      ),
    );
    const leaf = topology.nodes.find((n) => n.name === 'leaf-1')!;
    const { node } = dataOf(
      await f.t.gql<{ node: { id: string; name: string; record: { name: string } } }>(
        await generated('TopologyNodeRefetchQuery'),
        { id: leaf.id },
      ),
    );
    expect(node).toMatchObject({ id: leaf.id, name: 'leaf-1', record: { name: 'leaf-1' } });
    const { fabrics } = dataOf(
      await f.t.gql<{ fabrics: { edges: { node: { id: string } }[] } }>(
        await generated('FabricListPaginationQuery'),
        { count: 2 },
      ),
    );
    const ids = fabrics.edges.map((e) => e.node.id);
    const { nodes } = dataOf(
      await f.t.gql<{ nodes: { id: string }[] }>(await generated('FabricListNodesQuery'), { ids }),
    );
    expect(nodes.map((n) => n.id)).toEqual(ids);
  });
});

/**
 * Fabric.diagram through GraphQL: drawn from the same read as `topology`, in each format, for a
 * synced fabric (the renderers themselves: test/domain/diagram.test.ts).
 */
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { readDot, readMermaid, readXml } from '../domain/diagram-syntax.js';
import { miniFabric } from '../domain/mini-fabric.js';

let t: TestApp;
let git: GitServer;
let fabricId: string;

beforeAll(async () => {
  [t, git] = await Promise.all([startTestApp(), startGitServer()]);
  const repo = await git.createRepo('diagram', {
    'fabric/wiring.yaml': miniFabric()
      .map((m) => stringify(m))
      .join('---\n'),
  });
  ({ fabricId } = await createFabricWithRepository(t, {
    name: 'drawn',
    url: repo.httpUrl,
    directory: 'fabric',
  }));
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

const diagram = async (format: string) =>
  dataOf(
    await t.gql<{ fabric: { diagram: string } }>(
      `query($id: ID!, $format: DiagramFormat!) { fabric(id: $id) { diagram(format: $format) } }`,
      { id: fabricId, format },
    ),
  ).fabric.diagram;

describe('Fabric.diagram', () => {
  it('draws one edge per topology link in every format', async () => {
    const { topology } = dataOf(
      await t.gql<{ topology: { links: unknown[] } }>(
        `query($id: ID!) { topology(fabricId: $id) { links { connection } } }`,
        {
          id: fabricId,
        },
      ),
    );
    expect(topology.links).toHaveLength(6);
    expect(readMermaid(await diagram('MERMAID')).edges).toHaveLength(6);
    expect(readDot(await diagram('DOT')).edges).toHaveLength(6);
    const drawio = readXml(await diagram('DRAWIO'));
    const cells = drawio.children[0]!.children[0]!.children[0]!.children;
    expect(cells.filter((c) => c.attributes.get('edge') === '1')).toHaveLength(6);
    expect(drawio.children[0]!.attributes.get('name')).toBe('drawn');
  });

  it('reads the records in one statement for a page of fabrics, each priced like a topology', async () => {
    t.queries.length = 0;
    dataOf(await t.gql(`{ fabrics(first: 5) { nodes { name diagram(format: DOT) } } }`));
    expect(t.queries.filter((sql) => /from "record"/.test(sql))).toHaveLength(1);
    // 50 diagrams are 50 whole-fabric reads: over the default cost limit, as 50 topologies would be.
    const many = await t.gql(`{ fabrics(first: 50) { nodes { diagram(format: DOT) } } }`);
    expect(many.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

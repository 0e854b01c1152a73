/**
 * The fabric as a typed graph: reference edges both ways, resolved through DataLoaders from the
 * reverse-reference index, at a constant number of statements as the fabric grows 10×.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';
import { createFabricWithRepository, runFabricOperation } from '../support/fabric-setup.js';

let t: TestApp;
let git: GitServer;
beforeAll(async () => {
  // Deep graph walks are what this API is for; the default cost limit is for untrusted clients.
  // An API-only replica (no background scans), so the statement counts are the query's own.
  [t, git] = await Promise.all([
    startTestApp({ env: { FABRIC_SYNC_MAX_QUERY_COST: '10000000', FABRIC_SYNC_RESCAN_SECONDS: '0' } }),
    startGitServer(),
  ]);
});
afterAll(async () => {
  await t?.close();
  await git?.close();
});

/** A fabric synced from a repository holding `manifests`; returns its id. */
async function syncedFabric(name: string, manifests: readonly Manifest[]): Promise<string> {
  const repo = await git.createRepo(name, fabricFiles(manifests, { files: 20 }));
  const { fabricId } = await createFabricWithRepository(t, { name, url: repo.httpUrl });
  expect((await runFabricOperation(t, 'syncFabric', fabricId)).status).toBe('SUCCEEDED');
  return fabricId;
}

const WALK = `query($f: ID!) {
  records(fabricId: $f, kind: VPC, first: 500) {
    nodes { name ... on VPC {
      ipv4Namespace { name } vlanNamespace { name } peerings { name }
      attachments { name connection { name switches { name groups { name } } servers { name } } }
    } }
  }
}`;

type Walk = {
  records: {
    nodes: {
      name: string;
      ipv4Namespace: { name: string } | null;
      peerings: { name: string }[];
      attachments: {
        name: string;
        connection: { name: string; switches: { name: string }[]; servers: { name: string }[] } | null;
      }[];
    }[];
  };
};

describe('reference edges', () => {
  const small = generateFabric({ seed: 3 });
  let fabricId: string;
  beforeAll(async () => {
    fabricId = await syncedFabric('graph-small', small);
  });

  it('follows every attachment of every VPC to its connection, switches and servers', async () => {
    const data = dataOf(await t.gql<Walk>(WALK, { f: fabricId }));
    const vpcs = small.filter((m) => m.kind === 'VPC');
    expect(data.records.nodes.map((n) => n.name).sort()).toEqual(vpcs.map((v) => v.metadata.name).sort());
    for (const vpc of data.records.nodes) {
      const expected = small.filter(
        (m) => m.kind === 'VPCAttachment' && (m.spec?.['subnet'] as string).startsWith(`${vpc.name}/`),
      );
      expect(vpc.attachments.map((a) => a.name).sort()).toEqual(expected.map((a) => a.metadata.name).sort());
      expect(vpc.ipv4Namespace?.name).toBe('default');
      for (const attachment of vpc.attachments) {
        const manifest = expected.find((a) => a.metadata.name === attachment.name)!;
        expect(attachment.connection?.name).toBe(manifest.spec?.['connection']);
        expect(attachment.connection!.switches.length).toBeGreaterThan(0);
        expect(attachment.connection!.servers.length).toBeGreaterThan(0);
      }
    }
  });

  it('walks the same edges backwards', async () => {
    const connection = small.find((m) => m.kind === 'VPCAttachment')!.spec!['connection'] as string;
    const data = dataOf(
      await t.gql<{
        records: {
          nodes: {
            name: string;
            attachments: { name: string; vpc: { name: string } | null }[];
            switches: { name: string; connections: { name: string }[] }[];
          }[];
        };
      }>(
        `query($f: ID!, $n: String) { records(fabricId: $f, kind: Connection, filter: { name: $n }) { nodes { name ... on Connection { attachments { name vpc { name } } switches { name connections { name } } } } } }`,
        { f: fabricId, n: connection },
      ),
    );
    const [node] = data.records.nodes;
    const expected = small.filter((m) => m.kind === 'VPCAttachment' && m.spec?.['connection'] === connection);
    expect(node!.attachments.map((a) => a.name).sort()).toEqual(expected.map((a) => a.metadata.name).sort());
    for (const sw of node!.switches) expect(sw.connections.map((c) => c.name)).toContain(connection);
  });

  it('lists no dangling references for a fabric the sync accepted', async () => {
    const data = dataOf(
      await t.gql<{ fabric: { danglingReferences: unknown[] } }>(
        `query($f: ID) { fabric(id: $f) { danglingReferences { kind name field targetKind targetName } } }`,
        { f: fabricId },
      ),
    );
    expect(data.fabric.danglingReferences).toEqual([]);
  });
});

describe('statement counts', () => {
  it('stay constant as the fabric grows 10×', async () => {
    const count = async (id: string) => {
      t.queries.length = 0;
      const data = dataOf(await t.gql<Walk>(WALK, { f: id }));
      return {
        statements: t.queries.filter((sql) => !sql.includes('"api_token"') && !sql.includes('api_token'))
          .length,
        vpcs: data.records.nodes.length,
      };
    };
    const smallFabric = generateFabric({ seed: 5 });
    const largeFabric = generateFabric(shapeFor(smallFabric.length * 10, 5));
    expect(largeFabric.length).toBeGreaterThanOrEqual(smallFabric.length * 9);
    const small = await count(await syncedFabric('graph-count-1', smallFabric));
    const large = await count(await syncedFabric('graph-count-10', largeFabric));
    expect(large.vpcs).toBeGreaterThan(small.vpcs * 4);
    expect(large.statements).toBe(small.statements);
  });
});

/**
 * The topology query on a generated 10,000-object fabric (synced from Git, as in production), and the
 * impact of a spine switch, each next to floors measured in the same run: one raw SQL select of the
 * rows the answer is built from, and graphql-js executing the same document over in-memory data.
 * Run: node --import tsx bench/topology.ts [objects]; writes bench/results/topology.{json,md}.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, graphql } from 'graphql';
import { TOPOLOGY_KINDS, buildTopology, type TopologyRecord } from '../src/domain/topology.js';
import { dataOf, startTestApp } from '../test/support/app.js';
import { createFabricWithRepository, runFabricOperation } from '../test/support/fabric-setup.js';
import { fabricFiles, generateFabric, shapeFor } from '../test/support/fixtures/index.js';
import { startGitServer } from '../test/support/git-server.js';
import { median, writeReport, type Row } from './report.js';

const size = Number(process.argv[2] ?? 10_000);
const RUNS = 15;

/** Median milliseconds of `RUNS` runs after two warm-ups (the machine is shared and noisy). */
async function medianTime(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}

const TOPOLOGY = `query($f: ID!) {
  topology(fabricId: $f) {
    nodes { id kind name role group groups }
    links { connection connectionName connectionType kind source target ports { sourcePort targetPort } }
    vpcMemberships { vpc vpcName subnet attachment attachmentName connection nodes nativeVLAN }
  }
}`;

const IMPACT = `query($id: ID!) {
  impact(recordId: $id, depth: 3) {
    truncated deleteRefused
    impacted { depth record { id kind name } path { kind name relation edge field } }
    deleteBlockers { record { id kind name } edge field reason }
  }
}`;

const manifests = generateFabric(shapeFor(size));
const git = await startGitServer();
const t = await startTestApp({ env: { LOG_LEVEL: 'warn', FABRIC_SYNC_RESCAN_SECONDS: '0' } });
try {
  const repo = await git.createRepo('bench', fabricFiles(manifests, { files: 50 }));
  const { fabricId } = await createFabricWithRepository(t, { name: 'bench', url: repo.httpUrl });
  const sync = await runFabricOperation(t, 'syncFabric', fabricId);
  if (sync.status !== 'SUCCEEDED') throw new Error(`git sync ${sync.status}`);
  const dbFabricId = Buffer.from(fabricId, 'base64url').toString().split(':')[1]!;
  const knex = t.db.orm.em.getConnection().getKnex();

  // The API: HTTP, token check, two statements, building the graph, executing and serializing.
  const topologyOnce = async () =>
    dataOf(await t.gql<{ topology: { nodes: unknown[]; links: unknown[] } }>(TOPOLOGY, { f: fabricId }));
  const answer = await topologyOnce();
  t.queries.length = 0;
  await topologyOnce();
  const topologyStatements = t.queries.filter((sql) => !sql.includes('api_token')).length;
  const topologyMs = await medianTime(topologyOnce);
  const payloadKb = JSON.stringify(answer).length / 1024;

  // Floor 1: the one select of the rows the topology is built from.
  const selectRows = () =>
    knex('record')
      .select('id', 'kind', 'name', 'spec')
      .where('fabric_id', dbFabricId)
      .whereIn('kind', [...TOPOLOGY_KINDS])
      .orderBy(['kind', 'name']) as Promise<TopologyRecord[]>;
  const selectMs = await medianTime(selectRows);
  // Floor 2: graphql-js executing the same document over the answer already in memory (no I/O),
  // serialized and parsed back as the client on the other end of the API does.
  const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
  const inMemory = buildTopology(await selectRows());
  const executeMs = await medianTime(async () =>
    JSON.parse(
      JSON.stringify(
        await graphql({
          schema,
          source: TOPOLOGY,
          rootValue: { topology: () => inMemory },
          variableValues: { f: fabricId },
        }),
      ),
    ),
  );
  const buildMs = await medianTime(async () => buildTopology(await selectRows()));

  // Impact of a spine switch: every fabric connection of it, three levels deep.
  const spine = await knex('record')
    .first('id')
    .where({ fabric_id: dbFabricId, kind: 'Switch', name: 'spine-01' });
  const spineId = Buffer.from(`Record:${spine.id as string}`).toString('base64url');
  const impactOnce = async () =>
    dataOf(
      await t.gql<{ impact: { impacted: unknown[]; deleteBlockers: unknown[] } }>(IMPACT, { id: spineId }),
    );
  const impact = await impactOnce();
  t.queries.length = 0;
  await impactOnce();
  const impactStatements = t.queries.filter((sql) => !sql.includes('api_token')).length;
  const impactMs = await medianTime(impactOnce);
  // Its floor: one recursive select of the same dependents (without the records that lose joins).
  const recursiveMs = await medianTime(() =>
    knex.raw(
      `with recursive dep(kind, name, depth) as (
         select kind, name, 0 from record where id = ?
         union
         select s.kind, s.name, d.depth + 1 from dep d
           join record_reference rr on rr.fabric_id = ? and rr.target_kind = d.kind and rr.target_name = d.name
           join record s on s.id = rr.source_id
         where d.depth < 3)
       select r.* from (select kind, name, min(depth) as depth from dep group by kind, name) d
         join record r on r.fabric_id = ? and r.kind = d.kind and r.name = d.name`,
      [spine.id, dbFabricId, dbFabricId],
    ),
  );

  // What any query pays for HTTP, the token check and Apollo: the smallest query there is.
  const httpMs = await medianTime(async () => dataOf(await t.gql(`{ viewer { tokenName } }`)));

  const rows: Row[] = [
    {
      metric: `topology query, ${manifests.length}-object fabric (${answer.topology.nodes.length} nodes, ${answer.topology.links.length} links, ${payloadKb.toFixed(0)} KiB)`,
      value: topologyMs,
      unit: 'ms',
      peer: 'floor: raw select of its rows + graphql-js over the answer in memory',
      peerValue: selectMs + executeMs,
      note: `median of ${RUNS}; ${topologyStatements} SQL statements`,
    },
    { metric: 'floor part: one raw select of the rows (knex)', value: selectMs, unit: 'ms' },
    {
      metric: 'floor part: graphql-js execute + JSON out and back over in-memory topology',
      value: executeMs,
      unit: 'ms',
    },
    { metric: 'part: select + buildTopology (no GraphQL, no HTTP)', value: buildMs, unit: 'ms' },
    {
      metric: `impact of spine-01, depth 3 (${impact.impact.impacted.length} impacted, ${impact.impact.deleteBlockers.length} blockers)`,
      value: impactMs,
      unit: 'ms',
      peer: 'floor: one recursive select of the same dependents',
      peerValue: recursiveMs,
      note: `median of ${RUNS}; ${impactStatements} SQL statements`,
    },
    {
      metric: 'round trip of { viewer { tokenName } } (HTTP, token check, Apollo)',
      value: httpMs,
      unit: 'ms',
    },
  ];
  await writeReport('topology', 'Topology and impact queries (issue 11)', rows, {
    fabric: `shapeFor(${size}): ${manifests.length} objects`,
  });
} finally {
  await t.close();
  await git.close();
}

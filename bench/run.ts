/**
 * `npm run bench`: runs every benchmark one after another (2 cores: never two at once) and gathers
 * their results into bench/REPORT.md, one table measured in one run on one machine.
 * `npm run bench -- <name>…` runs only those (REPORT.md still gathers every result there is);
 * `npm run bench -- report` runs none and only gathers.
 *
 * With DATABASE_URL set, each benchmark whose figures depend on the database (EMBEDDED_TOO) runs a
 * second time right after, without it, on the embedded default PostgreSQL (back to back, so the
 * machine's load is alike for both); it writes <name>-embedded results (report.ts), so REPORT.md
 * shows both side by side. Without DATABASE_URL each runs once, on the embedded PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR, machine, tableOf, type Report } from './report.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const BENCHES = [
  'git-sync',
  'amplified-sync',
  'apply-drift',
  'subscriptions',
  'topology',
  'end-to-end',
].filter((b) => only.length === 0 || only.includes(b));

const EMBEDDED_TOO = ['git-sync', 'subscriptions', 'end-to-end'];

function runBench(bench: string, env: NodeJS.ProcessEnv): void {
  const database = env['DATABASE_URL'] ? 'PostgreSQL server' : 'embedded PostgreSQL';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`\n=== ${bench} on the ${database} (load average ${load}) ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, `${bench}.ts`)], {
    stdio: 'inherit',
    env,
  });
  if (result.status !== 0) console.error(`${bench} failed with exit code ${result.status}`);
}

const { DATABASE_URL: server, ...embedded } = process.env;
for (const bench of BENCHES) {
  runBench(bench, process.env);
  if (server && EMBEDDED_TOO.includes(bench)) runBench(bench, embedded);
}

const reports: Report[] = [];
for (const file of (await readdir(RESULTS_DIR)).filter((f) => f.endsWith('.json')))
  reports.push(JSON.parse(await readFile(path.join(RESULTS_DIR, file), 'utf8')) as Report);
// By name: each -embedded report right after its server one.
reports.sort((a, b) => a.name.localeCompare(b.name));
// Where and how each was measured: the benches of one report need not share a machine or a load.
const measured = ({ measuredAt, context }: Report) =>
  `Measured ${measuredAt} on ${context['cpus']} (load average ${context['loadavg']} at its end), ${context['database']}.`;
const sections = reports.map((r) => `## ${r.title}\n\n${measured(r)}\n\n${tableOf(r.rows)}\n`);
const context = Object.entries(machine())
  .map(([k, v]) => `- ${k}: ${v}`)
  .join('\n');
await writeFile(
  path.join(BENCH_DIR, 'REPORT.md'),
  `# fabric-sync benchmarks\n\nProduced by \`npm run bench\`; each figure stands next to its floor or outside peer, measured in the same run of its benchmark (when, on what machine, at what load and on which database: under each heading).\nRatios are the headline: absolute times move with the machine's load.\n\n${context}\n\n${sections.join('\n')}`,
);
console.log(`\nwrote bench/REPORT.md (${reports.length} reports)`);

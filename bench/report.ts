/**
 * Benchmark reports: each bench writes bench/results/<name>.json (rows) and .md (a table);
 * `npm run bench` gathers them into bench/REPORT.md, one table for every figure of one run.
 * A run on the embedded default database (DATABASE_URL unset) writes <name>-embedded instead, so its
 * figures stand beside the PostgreSQL server's rather than replacing them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export interface Row {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The floor or outside peer measured in the same run, and its figure. */
  readonly peer?: string;
  readonly peerValue?: number;
  readonly target?: string;
  readonly pass?: boolean;
  readonly note?: string;
}

export interface Report {
  readonly name: string;
  readonly title: string;
  readonly rows: readonly Row[];
  readonly context: Record<string, string>;
  readonly measuredAt: string;
}

/** The value at fraction `p` (0–1) of `values` in ascending order; `p = 0.5` is the median. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export function machine(): Record<string, string> {
  return {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    loadavg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

export function tableOf(rows: readonly Row[]): string {
  const lines = ['| metric | value | peer / floor | ratio | target | met |', '|---|---:|---|---:|---|:-:|'];
  for (const r of rows) {
    const ratio = r.peerValue ? `${fmt(r.value / r.peerValue)}×` : '';
    const peer = r.peer ? `${r.peer}: ${fmt(r.peerValue ?? 0)} ${r.unit}` : '';
    const met = r.pass === undefined ? '' : r.pass ? 'yes' : '**no**';
    lines.push(
      `| ${r.metric}${r.note ? ` (${r.note})` : ''} | ${fmt(r.value)} ${r.unit} | ${peer} | ${ratio} | ${r.target ?? ''} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/** The report's name, title and database as the database this run measured makes them. */
function onThisDatabase(name: string, title: string) {
  return process.env['DATABASE_URL']
    ? { name, title, database: 'PostgreSQL server (DATABASE_URL)' }
    : {
        name: `${name}-embedded`,
        title: `${title} on the embedded PostgreSQL`,
        database: 'embedded PostgreSQL (DATABASE_URL unset)',
      };
}

export async function writeReport(
  baseName: string,
  baseTitle: string,
  rows: readonly Row[],
  context: Record<string, string> = {},
): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const { name, title, database } = onThisDatabase(baseName, baseTitle);
  const report: Report = {
    name,
    title,
    rows,
    context: { ...machine(), database, ...context },
    measuredAt: new Date().toISOString(),
  };
  await writeFile(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const contextLines = Object.entries(report.context)
    .map(([k, v]) => `- ${k}: ${v}`)
    .join('\n');
  await writeFile(
    path.join(RESULTS_DIR, `${name}.md`),
    `# ${title}\n\nMeasured ${report.measuredAt}.\n\n${tableOf(rows)}\n\n${contextLines}\n`,
  );
  console.log(`${title}\n${tableOf(rows)}`);
}

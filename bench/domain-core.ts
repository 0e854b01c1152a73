/**
 * Domain core on a generated 10,000-object fabric: validation, canonical hashing, and a drift
 * comparison (normalize both sides + diff). Run: npx tsx bench/domain-core.ts [objects]
 * Reports the median of 5 warm runs (wall and CPU) so a loaded machine is visible in the numbers.
 */
import { canonicalHash } from '../src/domain/canonical.js';
import { diff } from '../src/domain/diff.js';
import { normalize } from '../src/domain/normalize.js';
import { validateManifests } from '../src/domain/validate.js';
import { generateFabric, shapeFor } from '../test/support/fixtures/index.js';
import { median } from './report.js';

const size = Number(process.argv[2] ?? 10_000);
const manifests = generateFabric(shapeFor(size));
const items = manifests.map((manifest, i) => ({
  manifest,
  source: { file: 'fabric.yaml', line: i + 1, documentIndex: i },
}));

function measure(label: string, run: () => unknown): void {
  const samples: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    const cpu = process.cpuUsage(cpuStart);
    if (i > 0) samples.push({ wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 });
  }
  const wall = median(samples.map((s) => s.wall)).toFixed(0);
  const cpu = median(samples.map((s) => s.cpu)).toFixed(0);
  console.log(`${label.padEnd(34)} wall ${wall.padStart(5)} ms   cpu ${cpu.padStart(5)} ms`);
}

console.log(`domain core, ${manifests.length} objects`);
measure('validateManifests', () => validateManifests(items));
measure('canonicalHash (normalize + sha256)', () => manifests.map(canonicalHash));
measure('drift: normalize ×2 + diff', () => {
  for (const m of manifests) diff(normalize(m), normalize(m));
});

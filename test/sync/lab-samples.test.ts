/** The real lab-ci wiring sample (../shared) applied to the test cluster: equal objects, no drift, no rewrite. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { canonicalHash } from '../../src/domain/canonical.js';
import { formatRef, isKindName } from '../../src/domain/kinds.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { liveObjects } from './live.js';

const SHARED = path.resolve(process.cwd(), '../shared');
const SAMPLE = path.join(SHARED, 'hedgehog/samples/lab-ci_env-ci-1_wiring.251b76f.yaml');

describe.skipIf(!existsSync(SAMPLE))('lab-ci sample', () => {
  let h: SyncHarness;
  let manifests: Manifest[];

  beforeAll(async () => {
    manifests = parseAllDocuments(readFileSync(SAMPLE, 'utf8'))
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null && isKindName(m.kind));
    h = await startSyncHarness();
  }, 60_000);
  afterAll(() => h?.close());

  it('applies, matches its records, finds no drift, and a second apply writes nothing', async () => {
    const fabric = await h.createFabric({ name: 'lab-ci' });
    await h.seedRecords(fabric.id, manifests);
    const op = await h.run(fabric.id, 'APPLY');
    expect(op.status, JSON.stringify(op.errors)).toBe('SUCCEEDED');
    const live = await liveObjects(h.api);
    for (const record of await h.records(fabric.id))
      expect(canonicalHash(live.get(formatRef(record))!), formatRef(record)).toBe(record.canonicalHash);
    const drift = await h.run(fabric.id, 'DRIFT_CHECK');
    expect(drift.stages.find((s) => s.name === 'COMPARE')?.counts).toMatchObject({
      inSync: manifests.length,
      differences: 0,
    });
    const before = h.kube.resourceVersion;
    expect((await h.run(fabric.id, 'APPLY')).status).toBe('SUCCEEDED');
    expect(h.kube.resourceVersion).toBe(before);
  });
});

/** The watch's classification under drift ignore rules: the same `agrees` the drift check uses. */
import { describe, expect, it } from 'vitest';
import { canonicalHash } from '../../src/domain/canonical.js';
import { compileDriftIgnore, IGNORE_NOTHING } from '../../src/domain/drift-ignore.js';
import type { Manifest } from '../../src/domain/manifest.js';
import type { WatchedRecord } from '../../src/store/watch-store.js';
import { liveChanges } from '../../src/sync/watch/live-changes.js';

const desired: Manifest = {
  apiVersion: 'wiring.githedgehog.com/v1beta1',
  kind: 'VLANNamespace',
  metadata: { name: 'vlans', namespace: 'default' },
  spec: { ranges: [{ from: 100, to: 200 }] },
};
const record: WatchedRecord = {
  id: 'r1',
  fabricId: 'f1',
  ref: { kind: 'VLANNamespace', namespace: 'default', name: 'vlans' },
  canonicalHash: canonicalHash(desired),
  manifest: desired,
  state: 'IN_SYNC',
};
const labelled = (labels: Record<string, string>): Manifest => ({
  ...desired,
  metadata: { ...desired.metadata, labels, resourceVersion: '7' },
});
const stateSeen = (object: Manifest, ignore = IGNORE_NOTHING) =>
  liveChanges({ id: 'f1', name: 'east', ignore }, [{ type: 'MODIFIED', object }], [record], new Date())
    .observations[0]?.state;

describe('the watch under drift ignore rules', () => {
  const rules = compileDriftIgnore([{ paths: ['metadata.labels.team'] }]);

  it('marks a live change DRIFTED without rules, IN_SYNC when a rule ignores its only difference', () => {
    expect(stateSeen(labelled({ team: 'blue' }))).toBe('DRIFTED');
    expect(stateSeen(labelled({ team: 'blue' }), rules)).toBe('IN_SYNC');
  });

  it('still marks a difference no rule ignores DRIFTED', () => {
    expect(stateSeen(labelled({ team: 'blue', owner: 'x' }), rules)).toBe('DRIFTED');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { classify, diff, driftScore } from '../../src/domain/diff.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { normalize } from '../../src/domain/normalize.js';
import { HAS_SHARED, loadSample } from './shared-data.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/normalize');
const docs = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(path.join(FIXTURES, file), 'utf8')).map((d) => d.toJS() as Manifest);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests edit deep fixture values by path
type Spec = Record<string, any>;
const liveVpc = () => docs('vpc-live.yaml')[0]!;
const desiredVpc = normalize(docs('vpc-desired.yaml')[0]!);

describe('diff', () => {
  it('shows a changed VLAN with its exact path and HIGH severity', () => {
    const live = liveVpc();
    (live.spec as Spec)['subnets']['web']['vlan'] = 1999;
    expect(diff(desiredVpc, normalize(live))).toEqual([
      { path: 'spec.subnets.web.vlan', desired: 1001, live: 1999, severity: 'HIGH' },
    ]);
  });

  it('shows a removed subnet as one difference at the subnet path', () => {
    const live = liveVpc();
    delete (live.spec as Spec)['subnets']['db'];
    const [d, ...rest] = diff(desiredVpc, normalize(live));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ path: 'spec.subnets.db', live: undefined, severity: 'HIGH' });
    expect(d?.desired).toMatchObject({ subnet: '10.10.2.0/24', vlan: 1002 });
  });

  it('shows an added user label as LOW with a quoted key path', () => {
    const live = liveVpc();
    live.metadata.labels = { ...live.metadata.labels, 'app.kubernetes.io/part-of': 'lab', team: 'x' };
    expect(diff(desiredVpc, normalize(live))).toEqual([
      {
        path: 'metadata.labels["app.kubernetes.io/part-of"]',
        desired: undefined,
        live: 'lab',
        severity: 'LOW',
      },
      { path: 'metadata.labels.team', desired: undefined, live: 'x', severity: 'LOW' },
    ]);
  });

  it('compares lists by index and rates DHCP options MEDIUM', () => {
    const live = liveVpc();
    (live.spec as Spec)['subnets']['web']['dhcp']['options']['dnsServers'] = ['10.0.0.3'];
    expect(diff(desiredVpc, normalize(live))).toEqual([
      {
        path: 'spec.subnets.web.dhcp.options.dnsServers[1]',
        desired: '10.0.0.9',
        live: undefined,
        severity: 'MEDIUM',
      },
    ]);
  });

  it('rates a description change LOW and skips ignored paths', () => {
    const sw = (description: string, asn?: number): Manifest => ({
      apiVersion: 'v',
      kind: 'Switch',
      metadata: { name: 's' },
      spec: { role: 'spine', description, ...(asn ? { asn } : {}) },
    });
    expect(diff(normalize(sw('a')), normalize(sw('b', 65100)), { ignore: ['spec.asn'] })).toEqual([
      { path: 'spec.description', desired: 'a', live: 'b', severity: 'LOW' },
    ]);
  });
});

describe('classify', () => {
  it('names the four states', () => {
    expect(classify({ desired: desiredVpc, live: normalize(liveVpc()) })).toBe('IN_SYNC');
    expect(classify({ desired: desiredVpc })).toBe('MISSING');
    expect(classify({ live: desiredVpc })).toBe('ORPHANED');
    const live = liveVpc();
    (live.spec as Spec)['vlanNamespace'] = 'other';
    expect(classify({ desired: desiredVpc, live: normalize(live) })).toBe('MODIFIED');
    expect(() => classify({})).toThrow(/desired or a live/);
  });
});

describe('driftScore', () => {
  it('is 0 in sync, 1 when all is missing, and weighs modifications by their worst severity', () => {
    const low = { path: 'metadata.labels.a', desired: 'x', live: 'y', severity: 'LOW' } as const;
    const high = { ...low, path: 'spec.vlan', severity: 'HIGH' } as const;
    expect(driftScore([])).toBe(0);
    expect(driftScore([{ classification: 'IN_SYNC' }, { classification: 'IN_SYNC' }])).toBe(0);
    expect(driftScore([{ classification: 'MISSING' }, { classification: 'ORPHANED' }])).toBe(1);
    expect(
      driftScore([{ classification: 'MODIFIED', differences: [low, high] }, { classification: 'IN_SYNC' }]),
    ).toBe(0.5);
    expect(
      driftScore([{ classification: 'MODIFIED', differences: [low] }, { classification: 'IN_SYNC' }]),
    ).toBeCloseTo(0.1);
  });
});

describe.skipIf(!HAS_SHARED)('diff between the two lab-ci revisions', () => {
  const byName = (file: string) =>
    new Map(loadSample(file).map((s) => [`${s.manifest.kind}/${s.manifest.metadata.name}`, s.manifest]));
  const before = byName('lab-ci_env-ci-1_wiring.251b76f.yaml');
  const after = byName('lab-ci_env-ci-1_wiring.95ca77d.yaml');

  it('shows exactly the serial and redundancy changes of ds3000-01 (samples/README)', () => {
    const differences = diff(
      normalize(after.get('Switch/ds3000-01')!),
      normalize(before.get('Switch/ds3000-01')!),
    );
    expect(differences.map((d) => [d.path, d.desired, d.live])).toEqual([
      ['spec.boot.serial', expect.any(String), 'DX030F2B031A05UB200007'],
      ['spec.redundancy.group', 'eslag-2', 'mclag-1'],
      ['spec.redundancy.type', 'eslag', 'mclag'],
      // The webhook adds the redundancy group to groups (REFERENCE §1.5), so the change shows there too.
      ['spec.groups[0]', 'eslag-2', 'mclag-1'],
    ]);
  });

  it('classifies renamed connections as MISSING and ORPHANED and the rest of the wiring as IN_SYNC or MODIFIED', () => {
    const keys = new Set([...before.keys(), ...after.keys()]);
    const counts: Record<string, number> = {};
    for (const key of keys) {
      const desired = after.get(key);
      const live = before.get(key);
      const c = classify({
        ...(desired ? { desired: normalize(desired) } : {}),
        ...(live ? { live: normalize(live) } : {}),
      });
      counts[c] = (counts[c] ?? 0) + 1;
    }
    // Created: eslag-2 group and 2 eslag connections; deleted: mclag-1 group, mclag-domain and 2 mclag connections.
    expect(counts['MISSING']).toBe(3);
    expect(counts['ORPHANED']).toBe(4);
    expect(counts['MODIFIED']).toBeGreaterThan(0);
  });
});

describe('map entries are data even when empty', () => {
  const peering = (other: string): Manifest => ({
    apiVersion: 'v',
    kind: 'VPCPeering',
    metadata: { name: 'p' },
    spec: { permit: [{ 'vpc-1': { subnets: ['a'] }, [other]: {} }] },
  });
  const autoneg = (value: boolean): Manifest => ({
    apiVersion: 'v',
    kind: 'Switch',
    metadata: { name: 's' },
    spec: { role: 'spine', portAutoNegs: { 'E1/1': value } },
  });

  it('shows a peering that moved to another VPC with an empty subnet selector', () => {
    expect(diff(normalize(peering('vpc-2')), normalize(peering('vpc-3'))).map((d) => d.path)).toEqual([
      'spec.permit[0].vpc-2',
      'spec.permit[0].vpc-3',
    ]);
  });

  it('keeps an explicit autonegotiation false apart from true', () => {
    expect(diff(normalize(autoneg(false)), normalize(autoneg(true)))).toEqual([
      { path: 'spec.portAutoNegs["E1/1"]', desired: false, live: true, severity: 'MEDIUM' },
    ]);
  });
});

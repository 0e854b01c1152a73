import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { canonicalHash, canonicalJson } from '../../src/domain/canonical.js';
import { diff } from '../../src/domain/diff.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { normalize } from '../../src/domain/normalize.js';
import { HAS_SHARED, loadSample, SAMPLE_FILES } from './shared-data.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/normalize');
const docs = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(path.join(FIXTURES, file), 'utf8')).map((d) => d.toJS() as Manifest);

const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('-desired.yaml'))
  .flatMap((f) => {
    const name = f.replace('-desired.yaml', '');
    const live = docs(`${name}-live.yaml`);
    return docs(f).map((desired, i) => ({
      name: `${name} #${i} ${desired.kind}/${desired.metadata.name}`,
      desired,
      live: live[i]!,
    }));
  });

describe.each(cases)('normalize $name', ({ desired, live }) => {
  it('shows no drift once webhook defaults are applied', () => {
    expect(diff(normalize(desired), normalize(live))).toEqual([]);
  });
  it('gives both sides the same canonical hash', () => {
    expect(canonicalHash(desired)).toBe(canonicalHash(live));
  });
});

const vpc = (): Manifest => docs('vpc-desired.yaml')[0]!;

describe('normalize', () => {
  it('never mutates its input', () => {
    const input = vpc();
    const before = JSON.stringify(input);
    normalize(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('applies the VPC webhook defaults', () => {
    const spec = normalize(vpc()).spec!;
    expect(spec['ipv4Namespace']).toBe('default');
    expect(spec['subnets']).toMatchObject({
      web: {
        gateway: '10.10.1.1',
        dhcp: {
          range: { start: '10.10.1.2', end: '10.10.1.255' },
          options: { interfaceMTU: 9036, leaseTimeSeconds: 3600, dnsServers: ['10.0.0.3', '10.0.0.9'] },
          static: { 'aa:bb:cc:dd:ee:01': { ip: '10.10.1.50' } },
        },
      },
      db: { gateway: '10.10.2.1', isolated: false },
    });
    expect(spec['subnets']).not.toHaveProperty('bgp.gateway');
    expect(spec['subnets']).not.toHaveProperty('db.dhcp');
  });

  it('keeps user labels and annotations, drops derived and ownership labels and server fields', () => {
    const c = normalize({
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Server',
      metadata: {
        name: 's',
        uid: 'u',
        resourceVersion: '1',
        labels: {
          team: 'a',
          'server.fabric.githedgehog.com/x': 'true',
          'app.kubernetes.io/managed-by': 'fabric-sync',
        },
        annotations: {
          'fabric.githedgehog.com/p2p-link': '10.0.0.0/31',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
        },
      },
      status: { x: 1 },
    });
    expect(c).toEqual({
      apiVersion: 'wiring.githedgehog.com/v1beta1',
      kind: 'Server',
      metadata: {
        name: 's',
        namespace: 'default',
        labels: { team: 'a' },
        annotations: { 'fabric.githedgehog.com/p2p-link': '10.0.0.0/31' },
      },
    });
  });

  it('leaves DHCP of prefixes longer than /30 alone', () => {
    const m: Manifest = {
      apiVersion: 'v',
      kind: 'VPC',
      metadata: { name: 'v' },
      spec: { subnets: { s: { subnet: '10.0.0.0/31', vlan: 5, dhcp: { enable: true } } } },
    };
    expect(normalize(m).spec?.['subnets']).toEqual({
      s: { subnet: '10.0.0.0/31', vlan: 5, gateway: '10.0.0.1', dhcp: { enable: true } },
    });
  });

  it('writes canonical JSON with sorted keys at every level', () => {
    const a = canonicalJson(
      normalize({
        apiVersion: 'v',
        kind: 'External',
        metadata: { name: 'e' },
        spec: { outboundCommunity: '1:2', inboundCommunity: '3:4' },
      }),
    );
    expect(a).toBe(
      '{"apiVersion":"v","kind":"External","metadata":{"name":"e","namespace":"default"},"spec":{"inboundCommunity":"3:4","ipv4Namespace":"default","outboundCommunity":"1:2"}}',
    );
  });

  it('changes the hash for a real change', () => {
    const changed = vpc();
    (changed.spec!['subnets'] as Record<string, Record<string, unknown>>)['web']!['vlan'] = 1003;
    expect(canonicalHash(changed)).not.toBe(canonicalHash(vpc()));
  });
});

describe.skipIf(!HAS_SHARED)('normalize on the samples', () => {
  const all = SAMPLE_FILES.flatMap((f) => loadSample(f).map((s) => s.manifest));
  it.each(all.map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))(
    '%s is a fixed point of normalize',
    (_n, m) => {
      const once = normalize(m);
      expect(normalize(once as unknown as Manifest)).toEqual(once);
    },
  );
});

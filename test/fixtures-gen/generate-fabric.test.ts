import { describe, expect, it } from 'vitest';
import { parseManifestFile } from '../../src/domain/parse-manifests.js';
import { BUILTIN_SWITCH_PROFILES } from '../../src/domain/switch-profiles.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { countByKind, fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';

// Specs are walked freely here; the generator and validator own their shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>;
const spec = (m: Manifest): Spec => m.spec ?? {};
const ofKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const names = (ms: Manifest[], kind: string) => new Set(ofKind(ms, kind).map((m) => m.metadata.name));

/** Every `port` value anywhere in a connection's spec: `<device>/<port>`. */
function ports(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(ports);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) =>
      key === 'port' && typeof v === 'string' ? [v] : ports(v),
    );
  }
  return [];
}

const ipToNumber = (ip: string) => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
function range(cidr: string): [number, number] {
  const [ip = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipToNumber(ip);
  expect(start % size, `${cidr} is a network address`).toBe(0);
  return [start, start + size - 1];
}

const huge = generateFabric(shapeFor(10_000));
// Validity is checked on a mid-size fabric: the same code paths, a fraction of the assertions.
const large = generateFabric(shapeFor(2_000, 3));
const small = generateFabric();

describe('generateFabric', () => {
  it('builds the default fabric with these exact counts', () => {
    expect(countByKind(small)).toEqual({
      VLANNamespace: 1,
      IPv4Namespace: 1,
      SwitchGroup: 2,
      Switch: 6,
      Server: 12,
      Connection: 24,
      External: 2,
      VPC: 4,
      ExternalAttachment: 2,
      VPCAttachment: 12,
      VPCPeering: 2,
      ExternalPeering: 2,
    });
  });

  it('follows explicit counts', () => {
    const fabric = generateFabric({
      spines: 3,
      leafPairs: 4,
      serversPerPair: 10,
      vpcs: 7,
      subnetsPerVpc: 5,
      externals: 3,
      peerings: 3,
    });
    const counts = countByKind(fabric);
    expect(counts).toMatchObject({
      Switch: 3 + 8,
      SwitchGroup: 4,
      Server: 40,
      VPC: 7,
      VPCAttachment: 40,
      External: 3,
      VPCPeering: 3,
    });
    expect(counts['Connection']).toBe(40 + 8 * 3 + 4 + 2);
  });

  it('sizes a fabric of about 10,000 objects with every kind', () => {
    expect(huge.length).toBeGreaterThan(9_500);
    expect(huge.length).toBeLessThan(10_500);
    expect(Object.keys(countByKind(huge))).toHaveLength(12);
  });

  it('is deterministic per seed and varies with the seed', () => {
    expect(generateFabric({ seed: 7 })).toEqual(generateFabric({ seed: 7 }));
    expect(generateFabric({ seed: 7 })).not.toEqual(generateFabric({ seed: 8 }));
  });

  it('builds a spine-less mesh: leaves in a ring, servers on one leaf each, no ESLAG', () => {
    const mesh = generateFabric({ spines: 0, leafPairs: 2, serversPerPair: 12 });
    const types = ofKind(mesh, 'Connection').map((c) => Object.keys(spec(c))[0]);
    expect(types.filter((t) => t === 'mesh')).toHaveLength(4);
    expect(types).not.toContain('eslag');
    expect(types).not.toContain('fabric');
    expect(ofKind(mesh, 'SwitchGroup')).toEqual([]);
    expect(
      ofKind(mesh, 'Switch').every((s) => spec(s)['role'] === 'server-leaf' && !spec(s)['redundancy']),
    ).toBe(true);
  });

  it('refuses shapes the layout cannot hold, saying why', () => {
    expect(() => generateFabric({ leafPairs: 65 })).toThrow(/leaves exceed/);
    expect(() => generateFabric({ vpcs: 2000, subnetsPerVpc: 2 })).toThrow(/VLANs/);
  });
});

describe.each([
  ['default', small],
  ['2,000 objects', large],
])('the %s fabric is valid', (_label, fabric) => {
  it('has unique, well-formed names, ≤ 11 characters where the webhook says so, all in namespace default', () => {
    const seen = new Set<string>();
    for (const m of fabric) {
      const key = `${m.kind}/${m.metadata.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(m.metadata.namespace).toBe('default');
      if (['VPC', 'IPv4Namespace', 'External'].includes(m.kind))
        expect(m.metadata.name.length).toBeLessThanOrEqual(11);
    }
  });

  it('has every connection type, and no port used twice (E1/4 and E1/4/1 count as the same port)', () => {
    const types = new Set(ofKind(fabric, 'Connection').flatMap((c) => Object.keys(spec(c))));
    expect([...types].sort()).toEqual([
      'bundled',
      'eslag',
      'external',
      'fabric',
      'staticExternal',
      'unbundled',
      'vpcLoopback',
    ]);
    const used = new Set<string>();
    for (const port of ofKind(fabric, 'Connection').flatMap((c) => ports(spec(c)))) {
      expect(used.has(port), port).toBe(false);
      used.add(port);
    }
    for (const port of used) {
      const parent = port.replace(/^([^/]+\/E1\/\d+)\/\d+$/, '$1');
      if (parent !== port) expect(used.has(parent), `${port} and ${parent}`).toBe(false);
    }
  });

  it('references only devices that exist, switch sub-ports that are broken out, and built-in profiles', () => {
    const switches = new Map(ofKind(fabric, 'Switch').map((s) => [s.metadata.name, spec(s)]));
    const servers = names(fabric, 'Server');
    for (const port of ofKind(fabric, 'Connection').flatMap((c) => ports(spec(c)))) {
      const [device = '', ...rest] = port.split('/');
      const sw = switches.get(device);
      if (!sw) {
        expect(servers.has(device), port).toBe(true);
        continue;
      }
      if (rest.length === 3) expect(sw['portBreakouts']?.[`${rest[0]}/${rest[1]}`], port).toBeDefined();
    }
    for (const sw of switches.values()) {
      expect(BUILTIN_SWITCH_PROFILES).toContain(sw['profile']);
      for (const group of sw['groups'] ?? []) expect(names(fabric, 'SwitchGroup').has(group)).toBe(true);
    }
  });

  it('has unique VLANs inside the VLANNamespace, and subnets that do not overlap inside the IPv4Namespace', () => {
    const [vlanNs] = ofKind(fabric, 'VLANNamespace');
    const [ipNs] = ofKind(fabric, 'IPv4Namespace');
    const vlanRanges = spec(vlanNs!)['ranges'] as { from: number; to: number }[];
    const pools = (spec(ipNs!)['subnets'] as string[]).map(range);
    const vlans = new Set<number>();
    const subnets: [number, number][] = [];
    for (const vpc of ofKind(fabric, 'VPC')) {
      for (const subnet of Object.values(spec(vpc)['subnets'] as Record<string, Spec>)) {
        expect(vlans.has(subnet['vlan']), `VLAN ${subnet['vlan']}`).toBe(false);
        vlans.add(subnet['vlan']);
        expect(vlanRanges.some((r) => r.from <= subnet['vlan'] && subnet['vlan'] <= r.to)).toBe(true);
        expect(subnet['vlan'] < 3000 || subnet['vlan'] > 3999).toBe(true);
        const [start, end] = range(subnet['subnet']);
        expect(
          pools.some(([a, b]) => a <= start && end <= b),
          subnet['subnet'],
        ).toBe(true);
        expect(ipToNumber(subnet['gateway'])).toBe(start + 1);
        subnets.push([start, end]);
      }
    }
    subnets.sort((a, b) => a[0] - b[0]);
    subnets.slice(1).forEach(([start], i) => expect(start).toBeGreaterThan(subnets[i]![1]));
  });

  it('attaches to connections and subnets that exist, of the types the webhook allows', () => {
    const connections = new Map(
      ofKind(fabric, 'Connection').map((c) => [c.metadata.name, Object.keys(spec(c))[0]]),
    );
    const vpcs = new Map(ofKind(fabric, 'VPC').map((v) => [v.metadata.name, spec(v)]));
    for (const a of ofKind(fabric, 'VPCAttachment')) {
      const [vpc = '', subnet = ''] = (spec(a)['subnet'] as string).split('/');
      expect(vpcs.get(vpc)?.['subnets']?.[subnet], a.metadata.name).toBeDefined();
      expect(['unbundled', 'bundled', 'eslag']).toContain(connections.get(spec(a)['connection']));
    }
    for (const p of ofKind(fabric, 'VPCPeering')) {
      for (const vpc of Object.keys(spec(p)['permit'][0])) expect(vpcs.has(vpc)).toBe(true);
    }
    const externals = names(fabric, 'External');
    for (const a of ofKind(fabric, 'ExternalAttachment')) {
      expect(externals.has(spec(a)['external'])).toBe(true);
      expect(connections.get(spec(a)['connection'])).toBe('external');
    }
    for (const p of ofKind(fabric, 'ExternalPeering')) {
      expect(vpcs.has(spec(p)['permit']['vpc']['name'])).toBe(true);
      expect(externals.has(spec(p)['permit']['external']['name'])).toBe(true);
    }
  });

  it('hydrates switches: unique leaf ASNs, management, protocol and VTEP addresses', () => {
    const switches = ofKind(fabric, 'Switch').map(spec);
    const leaves = switches.filter((s) => s['role'] !== 'spine');
    expect(new Set(leaves.map((s) => s['asn'])).size).toBe(leaves.length);
    for (const field of ['ip', 'protocolIP'])
      expect(new Set(switches.map((s) => s[field])).size).toBe(switches.length);
    expect(new Set(leaves.map((s) => s['vtepIP'])).size).toBe(leaves.length);
    expect(
      switches.filter((s) => s['role'] === 'spine').every((s) => s['asn'] === 65100 && !s['vtepIP']),
    ).toBe(true);
  });
});

describe('fabricFiles', () => {
  it('spreads a fabric over about the asked number of files, grouped by kind in apply order', () => {
    const files = fabricFiles(huge, { files: 50, dir: 'fabrics/east' });
    const paths = Object.keys(files);
    expect(paths.length).toBeGreaterThanOrEqual(45);
    expect(paths.length).toBeLessThanOrEqual(65);
    expect(paths.every((p) => p.startsWith('fabrics/east/') && p.endsWith('.yaml'))).toBe(true);
    expect(paths[0]).toBe('fabrics/east/01-vlannamespace-001.yaml');
  });

  it('writes YAML that parses back to exactly the generated objects', () => {
    const files = fabricFiles(large, { files: 50 });
    const parsed = Object.entries(files).flatMap(([path, content]) => {
      const { documents, errors } = parseManifestFile(path, content);
      expect(errors).toEqual([]);
      return documents.map((d) => d.manifest);
    });
    expect(parsed).toEqual(large);
  });
});

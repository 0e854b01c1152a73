/* eslint-disable @typescript-eslint/no-explicit-any -- emulated objects are untyped Kubernetes JSON read by path */
/** The emulation of the fabric's mutating webhooks (REFERENCE.md §1.4–1.5), rule by rule. */
import { describe, expect, it } from 'vitest';
import { emulateFabricWebhook } from '../support/kube-apiserver/index.js';

const obj = (kind: string, spec: unknown, labels?: Record<string, string>): any => ({
  apiVersion:
    kind.startsWith('V') || kind.startsWith('E') || kind === 'IPv4Namespace'
      ? 'vpc.githedgehog.com/v1beta1'
      : 'wiring.githedgehog.com/v1beta1',
  kind,
  metadata: { name: 'x', namespace: 'default', ...(labels ? { labels } : {}) },
  ...(spec === undefined ? {} : { spec }),
});
const run = (o: any): any => emulateFabricWebhook(o);

describe('fabric webhook emulation', () => {
  it('defaults VPC namespaces, gateways, DHCP ranges and options, and canonicalizes MAC keys', () => {
    const input = obj('VPC', {
      subnets: {
        a: {
          subnet: '10.0.1.0/24',
          dhcp: {
            enable: true,
            options: { dnsServers: ['9.9.9.9', '1.1.1.1'] },
            static: { 'AA-BB-CC-DD-EE-FF': { ip: '10.0.1.9' } },
          },
        },
        b: {
          subnet: '10.0.2.0/24',
          dhcp: { enable: false, range: { start: '10.0.2.5' }, options: { interfaceMTU: 1500 } },
        },
        c: { subnet: '10.0.3.0/24', hostBGP: true },
        d: { subnet: '10.0.4.0/24', dhcp: { enable: true, options: { dnsServers: [], pxeURL: '' } } },
      },
    });
    const before = structuredClone(input);
    const out = run(input);
    expect(input).toEqual(before);
    expect(out.spec.ipv4Namespace).toBe('default');
    expect(out.spec.vlanNamespace).toBe('default');
    expect(out.spec.subnets.a).toEqual({
      subnet: '10.0.1.0/24',
      gateway: '10.0.1.1',
      dhcp: {
        enable: true,
        range: { start: '10.0.1.2', end: '10.0.1.255' },
        options: {
          dnsServers: ['1.1.1.1', '9.9.9.9'],
          interfaceMTU: 9036,
          leaseTimeSeconds: 3600,
          timeServers: [],
          advertisedRoutes: [],
        },
        static: { 'aa:bb:cc:dd:ee:ff': { ip: '10.0.1.9' } },
      },
    });
    expect(out.spec.subnets.b.dhcp).toEqual({ enable: false });
    expect(out.spec.subnets.c).toEqual({ subnet: '10.0.3.0/24', hostBGP: true, dhcp: {} });
    expect(out.spec.subnets.d.dhcp).toEqual({
      enable: true,
      range: { start: '10.0.4.2', end: '10.0.4.255' },
    });
    expect(out.metadata.labels).toEqual({
      'fabric.githedgehog.com/ipv4ns': 'default',
      'fabric.githedgehog.com/vlanns': 'default',
    });
  });

  it('skips DHCP defaults for prefixes longer than /30', () => {
    const out = run(obj('VPC', { subnets: { a: { subnet: '10.0.1.0/31', dhcp: { enable: true } } } }));
    expect(out.spec.subnets.a.dhcp).toEqual({ enable: true });
  });

  it('qualifies VPCAttachment subnets and derives their labels, replacing stale fabric labels', () => {
    const stale = {
      'fabric.githedgehog.com/vpc': 'old',
      'switch.fabric.githedgehog.com/x': 'true',
      mine: 'kept',
    };
    const out = run(obj('VPCAttachment', { subnet: 'vpc-1', connection: 'c-1', nativeVLAN: true }, stale));
    expect(out.spec.subnet).toBe('vpc-1/default');
    expect(out.metadata.labels).toEqual({
      mine: 'kept',
      'fabric.githedgehog.com/vpc': 'vpc-1',
      'fabric.githedgehog.com/subnet': 'default',
      'fabric.githedgehog.com/connection': 'c-1',
      'fabric.githedgehog.com/nativevlan': 'true',
    });
  });

  it('sorts IPv4Namespace subnets and defaults External ipv4Namespace', () => {
    expect(run(obj('IPv4Namespace', { subnets: ['10.2.0.0/16', '10.1.0.0/16'] })).spec.subnets).toEqual([
      '10.1.0.0/16',
      '10.2.0.0/16',
    ]);
    const ext = run(obj('External', { inboundCommunity: '1:1' }));
    expect(ext.spec.ipv4Namespace).toBe('default');
    expect(ext.metadata.labels).toEqual({ 'fabric.githedgehog.com/ipv4ns': 'default' });
  });

  it('sorts ExternalPeering lists and adds empty permit parts', () => {
    const out = run(
      obj('ExternalPeering', {
        permit: {
          vpc: { name: 'v', subnets: ['b', 'a'] },
          external: { name: 'e', prefixes: [{ prefix: '10.2.0.0/16' }, { prefix: '0.0.0.0/0' }] },
        },
      }),
    );
    expect(out.spec.permit.vpc.subnets).toEqual(['a', 'b']);
    expect(out.spec.permit.external.prefixes.map((p: any) => p.prefix)).toEqual(['0.0.0.0/0', '10.2.0.0/16']);
    expect(out.metadata.labels).toEqual({
      'fabric.githedgehog.com/vpc': 'v',
      'fabric.githedgehog.com/external': 'e',
    });
    expect(run(obj('ExternalPeering', {})).spec.permit).toEqual({ vpc: {}, external: {} });
  });

  it('normalizes Switch groups, namespaces, speeds, flap defaults and empty structs', () => {
    const out = run(
      obj('Switch', {
        role: 'server-leaf',
        profile: 'p',
        groups: ['z'],
        redundancy: { group: 'a', type: 'mclag' },
        portSpeeds: { 'E1/1': 'SPEED_25GB' },
        portGroupSpeeds: { '1': '10G' },
        linkFlapErrDisable: { flapThreshold: 5 },
      }),
    );
    expect(out.spec).toMatchObject({
      groups: ['a', 'z'],
      vlanNamespaces: ['default'],
      portSpeeds: { 'E1/1': '25GB' },
      portGroupSpeeds: { '1': '10G' },
      linkFlapErrDisable: { flapThreshold: 5, recoveryInterval: 300, samplingInterval: 30 },
      boot: {},
      ecmp: {},
    });
    expect(out.metadata.labels).toEqual({
      'fabric.githedgehog.com/profile': 'p',
      'switchgroup.fabric.githedgehog.com/a': 'true',
      'switchgroup.fabric.githedgehog.com/z': 'true',
      'vlanns.fabric.githedgehog.com/default': 'true',
    });
  });

  it('adds spec to a bare Server, empty parts to ExternalAttachment, and sorts VLANNamespace ranges', () => {
    expect(run(obj('Server', undefined)).spec).toEqual({});
    const attachment = run(obj('ExternalAttachment', { connection: 'c', external: 'e' }));
    expect(attachment.spec).toMatchObject({ switch: {}, neighbor: {} });
    expect(attachment.metadata.labels).toEqual({
      'fabric.githedgehog.com/connection': 'c',
      'fabric.githedgehog.com/external': 'e',
    });
    const ranges = run(obj('VLANNamespace', { ranges: [{ from: 2000, to: 2100 }, { from: 1000 }] })).spec
      .ranges;
    expect(ranges).toEqual([
      { from: 1000, to: 1000 },
      { from: 2000, to: 2100 },
    ]);
  });

  it('labels connections by type and endpoints, and VPC peerings by sorted VPC names', () => {
    const conn = run(
      obj(
        'Connection',
        { bundled: { links: [{ server: { port: 's1/enp1' }, switch: { port: 'leaf-1/E1/1' } }] } },
        { 'fabric.githedgehog.com/connection-type': 'wrong' },
      ),
    );
    expect(conn.metadata.labels).toEqual({
      'fabric.githedgehog.com/connection-type': 'bundled',
      'server.fabric.githedgehog.com/s1': 'true',
      'switch.fabric.githedgehog.com/leaf-1': 'true',
    });
    const staticExt = run(
      obj('Connection', { staticExternal: { link: { switch: { port: 'b/E1/2' } }, withinVPC: 'v' } }),
    );
    expect(staticExt.metadata.labels['fabric.githedgehog.com/vpc']).toBe('v');
    const fabric = run(
      obj('Connection', { fabric: { links: [{ spine: { port: 's-1/E1/1' }, leaf: { port: 'l-1/E1/9' } }] } }),
    );
    expect(fabric.metadata.labels).toEqual({
      'fabric.githedgehog.com/connection-type': 'fabric',
      'switch.fabric.githedgehog.com/s-1': 'true',
      'switch.fabric.githedgehog.com/l-1': 'true',
    });
    const gateway = run(
      obj('Connection', {
        gateway: { links: [{ switch: { port: 'l-1/E1/2' }, gateway: { port: 'gw-1/enp2s1' } }] },
      }),
    );
    expect(gateway.metadata.labels).toEqual({
      'fabric.githedgehog.com/connection-type': 'gateway',
      'switch.fabric.githedgehog.com/l-1': 'true',
    });
    const mclag = run(
      obj('Connection', { mclag: { links: [] } }, { 'fabric.githedgehog.com/connection-type': 'mclag' }),
    );
    expect(mclag.metadata.labels).toBeUndefined();
    const peering = run(obj('VPCPeering', { permit: [{ 'vpc-2': {}, 'vpc-1': {} }] }));
    expect(peering.metadata.labels).toEqual({
      'fabric.githedgehog.com/vpc1': 'vpc-1',
      'fabric.githedgehog.com/vpc2': 'vpc-2',
      'vpc.fabric.githedgehog.com/vpc-1': 'true',
      'vpc.fabric.githedgehog.com/vpc-2': 'true',
    });
  });

  it('leaves SwitchGroup alone, fabric labels included', () => {
    const group = obj('SwitchGroup', {}, { 'fabric.githedgehog.com/x': 'y' });
    expect(run(group)).toEqual(group);
  });
});

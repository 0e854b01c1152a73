import { describe, expect, it } from 'vitest';
import {
  canonicalMac,
  containsPrefix,
  formatIp,
  overlappingPairs,
  parseIp,
  parsePrefix,
} from '../../src/domain/ipv4.js';
import { connectionEndpoints, parsePortRef, physicalPort } from '../../src/domain/connection-endpoints.js';

describe('ipv4', () => {
  it('parses addresses strictly', () => {
    expect(parseIp('10.0.0.1')).toBe(0x0a000001);
    expect(parseIp('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4/32', ''])
      expect(parseIp(bad), bad).toBeUndefined();
  });

  it('parses prefixes with network and last address', () => {
    const p = parsePrefix('10.1.2.3/24')!;
    expect([formatIp(p.network), formatIp(p.last), p.length]).toEqual(['10.1.2.0', '10.1.2.255', 24]);
    expect(parsePrefix('10.0.0.0/33')).toBeUndefined();
    expect(parsePrefix('10.0.0.0')).toBeUndefined();
    expect(containsPrefix(parsePrefix('10.0.0.0/16')!, parsePrefix('10.0.5.0/24')!)).toBe(true);
  });

  it('finds every overlapping pair, nested or partial, and none among disjoint ones', () => {
    const prefixes = ['10.0.0.0/16', '192.168.0.0/24', '10.0.5.0/24', '10.1.0.0/16', '10.0.5.128/25'].map(
      (p) => parsePrefix(p)!,
    );
    expect(overlappingPairs(prefixes).sort()).toEqual([
      [0, 2],
      [0, 4],
      [2, 4],
    ]);
  });

  it('writes MACs in lowercase colon form from Go-accepted forms only', () => {
    expect(canonicalMac('AA-BB-CC-DD-EE-FF')).toBe('aa:bb:cc:dd:ee:ff');
    expect(canonicalMac('aabb.ccdd.eeff')).toBe('aa:bb:cc:dd:ee:ff');
    expect(canonicalMac('aa:bb-cc:dd:ee:ff')).toBeUndefined();
    expect(canonicalMac('aabbccddeeff')).toBeUndefined();
  });
});

describe('connection endpoints', () => {
  it('splits <device>/<port> at the first slash', () => {
    expect(parsePortRef('leaf-1/E1/4/1')).toEqual({ device: 'leaf-1', port: 'E1/4/1' });
    expect(parsePortRef('leaf-1')).toBeUndefined();
    expect(parsePortRef('/E1/1')).toBeUndefined();
  });

  it('maps a breakout sub-port to its physical port', () => {
    expect(physicalPort('E1/4/1')).toBe('E1/4');
    expect(physicalPort('E1/4')).toBe('E1/4');
    expect(physicalPort('enp2s1')).toBe('enp2s1');
  });

  it('lists mclagDomain peer and session links with their roles', () => {
    const spec = {
      mclagDomain: {
        peerLinks: [{ switch1: { port: 'a/E1/1' }, switch2: { port: 'b/E1/1' } }],
        sessionLinks: [{ switch1: { port: 'a/E1/2' }, switch2: { port: 'b/E1/2' } }],
      },
    };
    expect(connectionEndpoints(spec).map((e) => `${e.field}=${e.value}`)).toEqual([
      'spec.mclagDomain.peerLinks[0].switch1.port=a/E1/1',
      'spec.mclagDomain.peerLinks[0].switch2.port=b/E1/1',
      'spec.mclagDomain.sessionLinks[0].switch1.port=a/E1/2',
      'spec.mclagDomain.sessionLinks[0].switch2.port=b/E1/2',
    ]);
  });
});

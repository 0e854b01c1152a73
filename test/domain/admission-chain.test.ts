// The offline check runs a cluster's admission chain: webhook defaults (Go zero values included),
// then the CRD schema, then the webhook's rules — so it refuses exactly what the cluster refuses.
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { validateManifests } from '../../src/domain/validate.js';
import { withWebhookDefaults } from '../../src/domain/normalize.js';
import { fabricWith, miniFabric, sourced } from './mini-fabric.js';
import { HAS_SHARED, loadSample, SAMPLE_FILES } from './shared-data.js';

const LAB_CI = SAMPLE_FILES.filter((f) => f.startsWith('lab-ci'));

describe.runIf(HAS_SHARED)("Hedgehog's own lab wiring", () => {
  it.each(LAB_CI)('%s validates with no issue, unmodified', (file) => {
    expect(validateManifests(loadSample(file))).toEqual([]);
  });
});

const issuesOf = (kind: string, name: string, edit: (m: Manifest) => void) =>
  validateManifests(sourced(fabricWith(kind, name, edit))).map(({ field, message }) => ({ field, message }));

describe('webhook defaults run before the CRD schema', () => {
  it('a static ExternalAttachment gains switch: {} and neighbor: {} as the Go types serialise them', () => {
    const spec = withWebhookDefaults('ExternalAttachment', {
      external: 'ext-1',
      connection: 'c',
      static: { remoteIP: '10.0.0.1', proxy: true },
    });
    expect(spec).toMatchObject({ switch: {}, neighbor: {}, static: { remoteIP: '10.0.0.1' } });
  });

  it('only where the Go types say so: a VPCAttachment gains nothing', () => {
    expect(withWebhookDefaults('VPCAttachment', { subnet: 'vpc-1/default', connection: 'c' })).toEqual({
      subnet: 'vpc-1/default',
      connection: 'c',
    });
  });

  it('a BGP ExternalAttachment without switch is refused by the webhook rule, not as a missing field', () => {
    const issues = issuesOf('ExternalAttachment', 'leaf-2--ext-1', (m) => delete m.spec!['switch']);
    expect(issues).toEqual([{ field: 'spec.switch.ip', message: 'switch.ip is required' }]);
  });

  it('an ACL statement without seq gets seq 0 (not omitempty in Go), which the webhook refuses', () => {
    const issues = issuesOf('ExternalAttachment', 'leaf-2--ext-1', (m) => {
      m.spec!['inboundACL'] = {
        statements: [{ action: 'permit', protocol: 'ip', srcPrefix: 'any', dstPrefix: 'any' }],
      };
    });
    expect(issues).toEqual([
      { field: 'spec.inboundACL.statements[0].seq', message: 'seq 0 must be at least 10' },
    ]);
  });

  it('the mini fabric stays valid', () => {
    expect(validateManifests(sourced(miniFabric()))).toEqual([]);
  });
});

describe('deprecated MCLAG connections, as fabric HEAD treats them', () => {
  const mclag = (name: string, serverPort: string): Manifest => ({
    apiVersion: 'wiring.githedgehog.com/v1beta1',
    kind: 'Connection',
    metadata: { name },
    spec: {
      mclag: {
        links: [
          { server: { port: serverPort }, switch: { port: 'leaf-1/E1/6' } },
          { server: { port: 'srv-2/eth3' }, switch: { port: 'leaf-2/E1/6' } },
        ],
      },
    },
  });

  it('hold no ports: the ESLAG connection replacing one may take its ports before it is pruned', () => {
    // The fabric's port check skips other connections that are MCLAG (connection_types.go).
    const issues = validateManifests(
      sourced([...miniFabric(), mclag('srv-2--mclag--leaf-1--leaf-2', 'srv-2/eth0')]),
    );
    expect(issues).toEqual([]);
  });
});

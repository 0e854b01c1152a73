import { describe, expect, it } from 'vitest';
import { parseManifestFile } from '../../src/domain/parse-manifests.js';
import { validateManifests } from '../../src/domain/validate.js';
import type { SourcedManifest } from '../../src/domain/validate.js';
import { fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';

/** Generated files as the git sync sees them: parsed, with file and line. */
function sourced(files: Record<string, string>): SourcedManifest[] {
  return Object.entries(files).flatMap(([file, content]) =>
    parseManifestFile(file, content).documents.map(({ manifest, line, documentIndex }) => ({
      manifest,
      source: { file, line, documentIndex },
    })),
  );
}

describe('generated fabrics pass the domain validation', () => {
  it.each([
    ['the default fabric', {}],
    ['three spines, five subnets per VPC', { spines: 3, leafPairs: 3, subnetsPerVpc: 5, vpcs: 9, seed: 11 }],
    ['about 2,000 objects', shapeFor(2_000, 5)],
    ['a spine-less mesh of six leaves', { spines: 0, leafPairs: 3, seed: 4 }],
  ])('%s', (_label, shape) => {
    const manifests = sourced(fabricFiles(generateFabric(shape), { files: 20 }));
    expect(validateManifests(manifests)).toEqual([]);
  });

  it('and a control: the same fabric with one VLAN reused is refused', () => {
    const manifests = sourced(fabricFiles(generateFabric(), { files: 5 }));
    const vpcs = manifests.filter((m) => m.manifest.kind === 'VPC').map((m) => m.manifest);
    const subnets = (i: number) => vpcs[i]!.spec!['subnets'] as Record<string, { vlan: number }>;
    subnets(1)['subnet-1']!.vlan = subnets(0)['subnet-1']!.vlan;
    expect(
      validateManifests(manifests)
        .map((i) => i.message)
        .join('\n'),
    ).toMatch(/VLAN/i);
  });
});

import { describe, expect, it } from 'vitest';
import { parseManifestFile, parseManifestSteps } from '../../src/domain/parse-manifests.js';
import { HAS_SHARED, SAMPLE_FILES, sampleText } from './shared-data.js';

const vpc = (name: string) =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: ${name}\nspec: {}\n`;

describe('parseManifestFile', () => {
  it('reads every document with its index and starting line, skipping empty ones', () => {
    const content = `---\n# only a comment\n---\n${vpc('a')}---\n${vpc('b')}---\n`;
    const { documents, errors } = parseManifestFile('vpcs.yaml', content);
    expect(errors).toEqual([]);
    expect(documents.map((d) => [d.manifest.metadata.name, d.documentIndex, d.line])).toEqual([
      ['a', 1, 4],
      ['b', 2, 10],
    ]);
    expect(documents[0]?.manifest).toEqual({
      apiVersion: 'vpc.githedgehog.com/v1beta1',
      kind: 'VPC',
      metadata: { name: 'a' },
      spec: {},
    });
  });

  it('counts every document, empty and invalid ones included, and none in a file of comments', () => {
    expect(parseManifestFile('f.yaml', `---\n{}\n---\n---\n${vpc('a')}---\nkind: [\n`).documentCount).toBe(4);
    expect(parseManifestFile('f.yaml', '# nothing\n').documentCount).toBe(0);
  });

  it('parses in steps, at least one per document, to what the whole parse gives', () => {
    const content = `---\n${vpc('a')}---\n${vpc('b')}`;
    const steps = parseManifestSteps('f.yaml', content);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses += 1;
    expect(step.value).toEqual(parseManifestFile('f.yaml', content));
    expect(pauses).toBeGreaterThanOrEqual(2);
  });

  it('uses the YAML 1.2 core schema: yes/no and 0777 stay what 1.2 says', () => {
    const content = `${vpc('a')}  flag: yes\n  octal: 0777\n  off: off\n`.replace('spec: {}\n', 'spec:\n');
    const { documents, errors } = parseManifestFile('f.yaml', content);
    expect(errors).toEqual([]);
    expect(documents[0]?.manifest.spec).toEqual({ flag: 'yes', octal: 777, off: 'off' });
  });

  it('reports syntax errors with file, line and document index, and keeps reading other documents', () => {
    const content = `${vpc('ok')}---\napiVersion: v1\nkind: [unclosed\nmetadata: {}\n`;
    const { documents, errors } = parseManifestFile('broken.yaml', content);
    expect(documents.map((d) => d.manifest.metadata.name)).toEqual(['ok']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file: 'broken.yaml', documentIndex: 1 });
    expect(errors[0]!.line).toBeGreaterThanOrEqual(7);
  });

  it('refuses custom and YAML 1.1 tags', () => {
    for (const tagged of ['!Ref something', '!!binary aGVsbG8=', '!!python/object:os.system echo']) {
      const { documents, errors } = parseManifestFile(
        't.yaml',
        `${vpc('a')}  x: ${tagged}\n`.replace('spec: {}\n', 'spec:\n'),
      );
      expect(documents).toEqual([]);
      expect(errors[0]).toMatchObject({ file: 't.yaml', line: 6, documentIndex: 0 });
      expect(errors[0]!.message).toMatch(/tag/i);
    }
  });

  it('refuses duplicate keys', () => {
    const { errors } = parseManifestFile('d.yaml', `${vpc('a')}kind: Switch\n`);
    expect(errors[0]?.message).toMatch(/unique/i);
  });

  it('requires a mapping with apiVersion, kind and metadata.name, and says what is missing where', () => {
    const content = `- a list\n---\nkind: VPC\nmetadata: {}\n---\njust a string\n`;
    const { documents, errors } = parseManifestFile('bad.yaml', content);
    expect(documents).toEqual([]);
    expect(errors.map((e) => [e.documentIndex, e.line])).toEqual([
      [0, 1],
      [1, 3],
      [2, 6],
    ]);
    expect(errors[1]!.message).toBe('document is not a Kubernetes object: missing apiVersion, metadata.name');
  });

  it('refuses values that are not JSON, like .inf', () => {
    const { errors } = parseManifestFile('n.yaml', vpc('a').replace('spec: {}', 'spec:\n  mtu: .inf'));
    expect(errors[0]?.message).toContain('spec.mtu');
  });

  it('stops a billion-laughs file at the alias limit, quickly and without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: VPC\nmetadata:\n  name: bomb\nspec:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const { documents, errors } = parseManifestFile('bomb.yaml', bomb);
    expect(documents).toEqual([]);
    expect(errors[0]?.message).toMatch(/alias/i);
  });

  it('allows a few aliases below the limit', () => {
    const content = vpc('a').replace('spec: {}', 'spec:\n  x: &x [1, 2]\n  y: *x');
    expect(parseManifestFile('ok.yaml', content).documents[0]?.manifest.spec).toEqual({
      x: [1, 2],
      y: [1, 2],
    });
    expect(parseManifestFile('ok.yaml', content, { maxAliases: 0 }).errors[0]?.message).toMatch(/alias/i);
  });

  it('enforces the size and document limits', () => {
    expect(parseManifestFile('big.yaml', vpc('a'), { maxBytes: 10 }).errors[0]).toMatchObject({
      file: 'big.yaml',
      line: 1,
      message: expect.stringContaining('the limit is 10'),
    });
    const many = Array.from({ length: 5 }, (_, i) => vpc(`v${i}`)).join('---\n');
    const { documents, errors } = parseManifestFile('many.yaml', many, { maxDocuments: 3 });
    expect(documents).toHaveLength(3);
    expect(errors[0]?.message).toBe('more than 3 documents in one file');
  });
});

describe.skipIf(!HAS_SHARED)('parseManifestFile on the Hedgehog samples', () => {
  it('reads every sample document without error (111 objects)', () => {
    let total = 0;
    for (const file of SAMPLE_FILES) {
      const { documents, errors } = parseManifestFile(file, sampleText(file));
      expect(errors).toEqual([]);
      total += documents.length;
    }
    expect(total).toBe(111);
  });
});

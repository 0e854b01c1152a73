/**
 * Reparsing a changed file document by document gives exactly what parsing it whole gives, and
 * keeps the parsed objects of the documents whose text did not change.
 */
import { describe, expect, it } from 'vitest';
import { parseManifestFile } from '../../src/domain/parse-manifests.js';
import { completed } from '../../src/domain/steps.js';
import { reparseFile as reparseSteps, type DocumentsByText } from '../../src/sync/git-sync/reparse.js';
import { fabricFiles, generateFabric, shapeFor } from '../support/fixtures/index.js';

const doc = (name: string, extra = '') =>
  `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: ${name}\nspec:\n  description: "${name}"${extra}\n`;

const EDGE_CASES: Record<string, string> = {
  'starts with a marker': `---\n${doc('a')}---\n${doc('b')}`,
  'bare first document': `${doc('a')}---\n${doc('b')}`,
  'comments before the first marker': `# header\n\n# more\n---\n${doc('a')}---\n${doc('b')}`,
  'empty documents': `---\n---\n${doc('a')}---\n# only a comment\n---\n`,
  'marker with a comment': `--- # first\n${doc('a')}--- # second\n${doc('b')}`,
  'CRLF line endings': `---\r\n${doc('a').replace(/\n/g, '\r\n')}---\r\n${doc('b').replace(/\n/g, '\r\n')}`,
  'block scalar ended by a marker': `${doc('a', '\n  note: |\n    text\n    ---not-a-marker')}---\n${doc('b')}`,
  'indented marker is content': `${doc('a', '\n  note: |\n    ---\n    still text')}`,
  directives: `%YAML 1.2\n---\n${doc('a')}---\n${doc('b')}`,
  'document end markers': `${doc('a')}...\n---\n${doc('b')}`,
  'a broken document among good ones': `---\n${doc('a')}---\nkind: [unclosed\n---\n${doc('b')}`,
  'a quoted scalar cut by a marker': `---\nkind: "open\n---\nclosed"\n`,
  'a document that is not an object': `---\n${doc('a')}--- 5\n`,
  'an anchor used in another document': `---\n${doc('a').replace('spec:', 'spec: &s')}---\n${doc('b').replace(/spec:[\s\S]*/, 'spec: *s\n')}`,
  'twice the same document': `---\n${doc('a')}---\n${doc('a')}`,
  'only comments': '# nothing here\n',
  empty: '',
  'no trailing newline': `---\n${doc('a').trimEnd()}`,
};

const reparseFile = (path: string, content: string, previous?: DocumentsByText) =>
  completed(reparseSteps(path, content, previous));

describe('reparseFile', () => {
  /** First sight (parsed whole, remembered), every document alone, and again from what was remembered. */
  const everyWay = (path: string, content: string) => {
    const first = reparseFile(path, content);
    return [first, reparseFile(path, content, new Map()), reparseFile(path, content, first.documents)];
  };

  it.each(Object.entries(EDGE_CASES))('gives what a whole parse gives: %s', (_name, content) => {
    for (const { result } of everyWay('f.yaml', content))
      expect(result).toEqual(parseManifestFile('f.yaml', content));
  });

  it('gives what a whole parse gives for every file of a generated fabric', () => {
    const files = fabricFiles(generateFabric(shapeFor(400)), { files: 10, dir: 'fab' });
    for (const [path, content] of Object.entries(files))
      for (const { result } of everyWay(path, content))
        expect(result).toEqual(parseManifestFile(path, content));
  });

  it('keeps the objects of unchanged documents, wherever they moved, and parses the rest', () => {
    const before = `---\n${doc('a')}---\n${doc('b')}---\n${doc('c')}`;
    const first = reparseFile('f.yaml', before);
    const [a, b, c] = first.result.documents.map((d) => d.manifest);
    const after = `# moved around\n---\n${doc('c')}---\n${doc('b', '\n  profile: x')}---\n${doc('a')}---\n${doc('a')}`;
    const second = reparseFile('f.yaml', after, first.documents);
    expect(second.result).toEqual(parseManifestFile('f.yaml', after));
    const objects = second.result.documents.map((d) => d.manifest);
    expect(objects[0]).toBe(c);
    expect(objects[1]).not.toBe(b);
    expect(objects[2]).toBe(a);
    // The second copy of an unchanged document is a new object: one object, one place.
    expect(objects[3]).not.toBe(a);
  });
});

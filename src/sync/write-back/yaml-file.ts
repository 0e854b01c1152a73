/**
 * One multi-document YAML file opened for editing. Each document keeps its own slice of the source
 * text, so documents nobody touched are written back byte for byte; an edited document is
 * re-rendered by `yaml`'s Document API, which keeps its comments and key order.
 */
import { Composer, Document, Parser } from 'yaml';

/** The same reading rules as parse-manifests (YAML 1.2 core, unique keys), so indices agree with it. */
const READ_OPTIONS = {
  version: '1.2',
  schema: 'core',
  resolveKnownTags: false,
  uniqueKeys: true,
  strict: true,
} as const;

/** No folding of long strings: an edit must not rewrap values it did not change. */
const WRITE_OPTIONS = { lineWidth: 0 } as const;

interface Slice {
  /** The source text of the document, including its `---` marker and leading comments. */
  readonly text: string;
  readonly doc: Document;
  edited: boolean;
  removed: boolean;
}

export class YamlFile {
  private readonly slices: Slice[];

  private constructor(
    readonly path: string,
    private readonly original: string | null,
    slices: Slice[],
  ) {
    this.slices = slices;
  }

  /** A file that does not exist yet. */
  static empty(path: string): YamlFile {
    return new YamlFile(path, null, []);
  }

  static parse(path: string, content: string): YamlFile {
    const docs = [...new Composer(READ_OPTIONS).compose(new Parser().parse(content), true, content.length)];
    const starts = docs.map((doc, i) => (i === 0 ? 0 : doc.range[0]));
    const slices = docs.map((doc, i) => ({
      text: content.slice(starts[i], starts[i + 1] ?? content.length),
      doc: doc,
      edited: false,
      removed: false,
    }));
    return new YamlFile(path, content, slices);
  }

  /** The document at the index parse-manifests reported; the caller edits it, then calls `markEdited`. */
  document(index: number): Document {
    return this.slice(index).doc;
  }

  markEdited(index: number): void {
    this.slice(index).edited = true;
  }

  /** Removes a document; later indices stay valid for the rest of the edit. */
  remove(index: number): void {
    this.slice(index).removed = true;
  }

  /** Appends an object as a new document; returns its index. */
  append(value: object): number {
    const doc = new Document(value, READ_OPTIONS);
    this.slices.push({ text: '', doc, edited: true, removed: false });
    return this.slices.length - 1;
  }

  get changed(): boolean {
    return this.slices.some((s) => s.edited || s.removed);
  }

  /** The new content, or null when no document with content is left (the file is deleted). */
  render(): string | null {
    if (!this.changed) return this.original;
    const kept = this.slices.filter((s) => !s.removed);
    if (kept.every((s) => s.doc.contents === null)) return null;
    let out = '';
    for (const slice of kept) {
      const text = slice.edited ? slice.doc.toString(WRITE_OPTIONS) : slice.text;
      if (out !== '' && !out.endsWith('\n')) out += '\n';
      out += out !== '' && !/^---(\s|$)/.test(text) ? `---\n${text}` : text;
    }
    return out;
  }

  private slice(index: number): Slice {
    const slice = this.slices[index];
    if (!slice || slice.removed) throw new Error(`${this.path}: no document at index ${index}`);
    return slice;
  }
}

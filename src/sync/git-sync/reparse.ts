/**
 * Parses a changed file reusing the documents that did not change. A `---` line at column 0
 * always starts a document (YAML forbids it inside any scalar), so a file without directives or
 * `...` end markers is the concatenation of independent documents: each is parsed alone, or taken
 * from the file's previous version when its text is the same, keeping the same object (so the
 * validation and record caches keep their results too). Anything unusual — directives, end
 * markers, an error, a file over the limits — is parsed whole, exactly as before.
 */
import {
  DEFAULT_PARSE_LIMITS,
  parseManifestSteps,
  type ParseResult,
  type ParsedDocument,
} from '../../domain/parse-manifests.js';
import type { Steps } from '../../domain/steps.js';

/** A file's documents by their text, 1-based line relative to the text, for the next version. */
export type DocumentsByText = ReadonlyMap<string, ParsedDocument | null>;

interface Piece {
  readonly text: string;
  /** Lines before the piece in the file. */
  readonly lineOffset: number;
}

const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
const COMMENTS_ONLY = /^(?:[ \t]*(?:#.*)?(?:\r?\n|$))*$/;

/** The file cut before each document start; undefined when cutting it would not be safe. */
function piecesOf(content: string): Piece[] | undefined {
  if (/^(?:%|\.\.\.(?:[ \t\r\n]|$))/m.test(content)) return undefined;
  const starts = [...content.matchAll(DOCUMENT_START)].map((m) => m.index);
  const bounds = [0, ...starts.filter((s) => s > 0), content.length];
  const pieces: Piece[] = [];
  let lines = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const text = content.slice(bounds[i], bounds[i + 1]);
    // Text before the first `---` that holds only comments is no document of its own.
    if (i > 0 || starts[0] === 0 || !COMMENTS_ONLY.test(text)) pieces.push({ text, lineOffset: lines });
    lines += text.split('\n').length - 1;
  }
  return pieces;
}

export interface Reparsed {
  readonly result: ParseResult;
  /** Present when the file was parsed document by document. */
  readonly documents?: DocumentsByText;
}

/** Steps (domain/steps.ts): a caller can pause between the file's documents. */
export function* reparseFile(path: string, content: string, previous?: DocumentsByText): Steps<Reparsed> {
  const whole = function* (): Steps<Reparsed> {
    return { result: yield* parseManifestSteps(path, content) };
  };
  if (Buffer.byteLength(content, 'utf8') > DEFAULT_PARSE_LIMITS.maxBytes) return yield* whole();
  const pieces = piecesOf(content);
  if (!pieces || pieces.length > DEFAULT_PARSE_LIMITS.maxDocuments) return yield* whole();
  return yield* previous ? byDocument(path, content, pieces, previous) : remembered(path, content, pieces);
}

/** A file seen for the first time is parsed whole (one parser for all its documents), then remembered by document. */
function* remembered(path: string, content: string, pieces: readonly Piece[]): Steps<Reparsed> {
  const result = yield* parseManifestSteps(path, content);
  if (result.errors.length > 0) return { result };
  const documents = new Map<string, ParsedDocument | null>();
  const byIndex = new Map(result.documents.map((d) => [d.documentIndex, d]));
  for (const [index, { text, lineOffset }] of pieces.entries()) {
    const parsed = byIndex.get(index);
    if (!documents.has(text))
      documents.set(text, parsed ? { ...parsed, documentIndex: 0, line: parsed.line - lineOffset } : null);
  }
  return { result, documents };
}

/** A changed file: each document taken from the previous version when its text is the same, else parsed alone. */
function* byDocument(
  path: string,
  content: string,
  pieces: readonly Piece[],
  previous: DocumentsByText,
): Steps<Reparsed> {
  const unused = new Map(previous);
  const documents = new Map<string, ParsedDocument | null>();
  const result: ParseResult = { documents: [], errors: [], documentCount: pieces.length };
  for (const [documentIndex, { text, lineOffset }] of pieces.entries()) {
    let parsed = unused.get(text);
    // Each earlier document is reused once: two equal documents in one file stay two objects.
    if (parsed !== undefined) unused.delete(text);
    else {
      const alone = yield* parseManifestSteps(path, text);
      if (alone.errors.length > 0 || alone.documents.length > 1)
        return { result: yield* parseManifestSteps(path, content) };
      parsed = alone.documents[0] ?? null;
    }
    if (!documents.has(text)) documents.set(text, parsed);
    if (parsed)
      result.documents.push({ manifest: parsed.manifest, documentIndex, line: parsed.line + lineOffset });
  }
  return { result, documents };
}

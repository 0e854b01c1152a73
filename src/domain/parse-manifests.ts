/**
 * Safe parsing of one multi-document YAML file into manifests: YAML 1.2 core schema only (a tag
 * outside it is an error, never a custom type), bounded size, document count and alias expansion
 * (billion-laughs files fail at the first excessive alias), and every problem reported with its
 * line so a person can find it.
 */
import { Composer, LineCounter, Parser, type Document, type YAMLError } from 'yaml';
import { isJsonObject, type Manifest } from './manifest.js';
import { completed, type Steps } from './steps.js';

export interface ParseLimits {
  readonly maxDocuments?: number;
  readonly maxAliases?: number;
  readonly maxBytes?: number;
}

export interface ParsedDocument {
  readonly manifest: Manifest;
  /** Position in the file's document stream, counting empty documents (as yaml's parseAllDocuments does). */
  readonly documentIndex: number;
  /** 1-based line where the document's content starts. */
  readonly line: number;
}

export interface ParseError {
  readonly file: string;
  readonly line: number;
  readonly documentIndex?: number;
  readonly message: string;
}

export interface ParseResult {
  readonly documents: ParsedDocument[];
  readonly errors: ParseError[];
  /** Documents in the file's stream, empty and invalid ones included: what a sync's document limit counts. */
  readonly documentCount: number;
}

export const DEFAULT_PARSE_LIMITS = {
  maxDocuments: 10_000,
  maxAliases: 100,
  maxBytes: 5 * 1024 * 1024,
} as const;

export function parseManifestFile(path: string, content: string, limits: ParseLimits = {}): ParseResult {
  return completed(parseManifestSteps(path, content, limits));
}

/**
 * parseManifestFile one top-level token of the YAML stream (a document, a comment, a marker) at a
 * time, so a caller can pause between the documents of a large file.
 */
export function* parseManifestSteps(
  path: string,
  content: string,
  limits: ParseLimits = {},
): Steps<ParseResult> {
  const { maxDocuments, maxAliases, maxBytes } = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const size = Buffer.byteLength(content, 'utf8');
  if (size > maxBytes) {
    return {
      documents: [],
      errors: [{ file: path, line: 1, message: `file is ${size} bytes; the limit is ${maxBytes}` }],
      documentCount: 0,
    };
  }
  const lines = new LineCounter();
  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    resolveKnownTags: false,
    uniqueKeys: true,
    strict: true,
  });
  const documents: ParsedDocument[] = [];
  const errors: ParseError[] = [];
  let documentIndex = 0;
  /** Reads the documents the composer completed; false once the file holds too many. */
  const read = (composed: Iterable<Document.Parsed>): boolean => {
    for (const doc of composed) {
      if (documentIndex === maxDocuments) {
        const line = lines.linePos(doc.range[0]).line;
        errors.push({ file: path, line, message: `more than ${maxDocuments} documents in one file` });
        return false;
      }
      readDocument(doc, { path, documentIndex: documentIndex++, lines, maxAliases }, { documents, errors });
    }
    return true;
  };
  let within = true;
  for (const token of new Parser(lines.addNewLine).parse(content)) {
    within = read(composer.next(token));
    if (!within) break;
    yield;
  }
  if (within) read(composer.end(false, content.length));
  return { documents, errors, documentCount: documentIndex };
}

interface DocumentContext {
  readonly path: string;
  readonly documentIndex: number;
  readonly lines: LineCounter;
  readonly maxAliases: number;
}

function readDocument(
  doc: Document.Parsed,
  ctx: DocumentContext,
  result: Pick<ParseResult, 'documents' | 'errors'>,
): void {
  const { path: file, documentIndex, lines } = ctx;
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    for (const problem of problems) {
      const line = lines.linePos(problem.pos[0]).line;
      result.errors.push({ file, line, documentIndex, message: describe(problem) });
    }
    return;
  }
  if (doc.contents === null) return;
  const line = lines.linePos(doc.contents.range[0]).line;
  const fail = (message: string) => result.errors.push({ file, line, documentIndex, message });
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: ctx.maxAliases });
  } catch (err) {
    fail(`cannot be read: ${(err as Error).message}`);
    return;
  }
  if (value === null || value === undefined) return;
  const problem = manifestProblem(value);
  if (problem) fail(problem);
  else result.documents.push({ manifest: value as Manifest, documentIndex, line });
}

/** yaml's messages start with the explanation; the code (e.g. TAG_RESOLVE_FAILED) helps search. */
function describe(problem: YAMLError): string {
  const text = problem.message.split('\n')[0] ?? problem.code;
  return problem.code === 'TAG_RESOLVE_FAILED' ? `${text} (only YAML 1.2 core tags are allowed)` : text;
}

/** What keeps a value from being a Kubernetes object, or undefined when it is one. */
function manifestProblem(value: unknown): string | undefined {
  if (!isJsonObject(value))
    return 'document is not a mapping (a Kubernetes object with apiVersion, kind and metadata)';
  const missing = ['apiVersion', 'kind'].filter((key) => typeof value[key] !== 'string' || value[key] === '');
  const metadata = value['metadata'];
  if (!isJsonObject(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') {
    missing.push('metadata.name');
  }
  if (missing.length > 0) return `document is not a Kubernetes object: missing ${missing.join(', ')}`;
  const nonJson = findNonJson(value, '');
  return nonJson ? `${nonJson} is not a JSON value (such as .inf or .nan)` : undefined;
}

/** Kubernetes objects are JSON: infinite and NaN numbers cannot be stored or applied. */
function findNonJson(value: unknown, at: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : at || 'the document';
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNonJson(item, `${at}[${i}]`);
      if (found) return found;
    }
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const found = findNonJson(item, at ? `${at}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

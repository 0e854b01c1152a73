/**
 * Trusted documents: the documents a client may name instead of sending, from manifests in the format
 * @graphql-codegen/client-preset writes with `persistedDocuments` (a JSON object, document hash →
 * document text). A request names one by `documentId` (GraphQL over HTTP, Appendix A: "sha256:<hex>",
 * as client-preset writes it, or the bare hash) or by Apollo's `extensions.persistedQuery.sha256Hash`.
 * In `allow` mode other documents are still taken; in `enforce` mode only trusted ones are. Every
 * transport resolves its request here before anything else reads it.
 */
import { readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import type { TrustedDocumentMode } from '../config.js';

export const TRUSTED_DOCUMENT_CODES = {
  unknownId: 'PERSISTED_QUERY_NOT_FOUND',
  required: 'TRUSTED_DOCUMENT_REQUIRED',
} as const;

/** The fields of a request that can carry or name its document, whatever the transport. */
export interface DocumentRequest {
  readonly query?: unknown;
  readonly documentId?: unknown;
  readonly extensions?: unknown;
}

export type Resolution = { readonly query: string } | { readonly error: GraphQLError };

/** "sha256:ABC…" and "abc…" name the same document. */
const normalizeId = (id: string) =>
  id
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');

export class TrustedDocuments {
  private readonly byId = new Map<string, string>();
  private readonly texts = new Set<string>();

  constructor(
    manifests: readonly Readonly<Record<string, string>>[],
    readonly mode: TrustedDocumentMode = 'allow',
  ) {
    for (const manifest of manifests)
      for (const [id, text] of Object.entries(manifest)) {
        this.byId.set(normalizeId(id), text);
        this.texts.add(text);
      }
  }

  /** The request's document text, or why it is refused. */
  resolve(request: DocumentRequest): Resolution {
    const text = typeof request.query === 'string' ? request.query : '';
    // One that sends its text too (Apollo's retry after PERSISTED_QUERY_NOT_FOUND) is judged by it.
    const id = text ? undefined : documentIdOf(request);
    if (id !== undefined) {
      const query = this.byId.get(normalizeId(id));
      return query === undefined
        ? refusal(`no trusted document has the id ${JSON.stringify(id)}`, TRUSTED_DOCUMENT_CODES.unknownId)
        : { query };
    }
    if (this.mode === 'enforce' && !this.texts.has(text))
      return refusal(
        'this server runs only trusted documents: send a documentId from its manifest',
        TRUSTED_DOCUMENT_CODES.required,
      );
    return { query: text };
  }
}

/** A manifest file, checked to be what client-preset writes. */
export function readManifest(file: string): Record<string, string> {
  const manifest: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const valid =
    typeof manifest === 'object' &&
    manifest !== null &&
    !Array.isArray(manifest) &&
    Object.values(manifest).every((text) => typeof text === 'string');
  if (!valid) throw new Error(`${file}: a trusted documents manifest maps document ids to document texts`);
  return manifest as Record<string, string>;
}

function documentIdOf({ documentId, extensions }: DocumentRequest): string | undefined {
  if (typeof documentId === 'string' && documentId) return documentId;
  const persisted = isObject(extensions) ? extensions['persistedQuery'] : undefined;
  const hash = isObject(persisted) ? persisted['sha256Hash'] : undefined;
  return typeof hash === 'string' && hash ? hash : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

const refusal = (message: string, code: string): Resolution => ({
  error: new GraphQLError(message, { extensions: { code } }),
});

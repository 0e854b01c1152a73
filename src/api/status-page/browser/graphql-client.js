// GraphQL for the status page: queries and mutations over HTTP, subscriptions over graphql-ws, all
// with the saved token. A refused token is forgotten, so the page asks for a new one on reload.
// Documents (documents.ts) are sent by their trusted-document id alone, so the page works when the
// server runs only trusted documents.
import { createClient } from 'graphql-ws';
import { bearer, forgetToken, socketUrl } from '../../playground/browser/token.js';

export class GraphQLClient {
  /** @param {string} path @param {string} token */
  constructor(path, token) {
    this.path = path;
    this.token = token;
    this.ws = createClient({
      url: socketUrl(path),
      connectionParams: { authorization: bearer(token) },
      retryAttempts: Infinity,
      shouldRetry: () => true,
    });
  }

  /**
   * @template R, V
   * @param {TypedDocumentNode<R, V>} document @param {V} [variables]
   * @returns {Promise<R>}
   */
  async request(document, variables) {
    const response = await fetch(this.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(this.token) },
      body: JSON.stringify({ documentId: documentIdOf(document), variables: variables ?? {} }),
    });
    const body = await response.json();
    const unauthenticated = body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (response.status === 401 || unauthenticated) forgetToken();
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  }

  /**
   * @template R, V
   * @param {TypedDocumentNode<R, V>} document @param {V} variables
   * @param {(data: R) => void} onData @param {(message: string) => void} onError
   * @returns {() => void} unsubscribe
   */
  subscribe(document, variables, onData, onError) {
    return this.ws.subscribe(
      // graphql-ws requires a query string: an empty one names the document by its id instead.
      { query: '', documentId: documentIdOf(document), variables },
      {
        next: (result) =>
          result.errors ? onError(result.errors.map((e) => e.message).join('; ')) : onData(result.data),
        error: (err) =>
          onError(err instanceof Error ? err.message : `connection closed (${err?.code ?? 'unknown'})`),
        complete: () => undefined,
      },
    );
  }
}

/** @typedef {import('@graphql-typed-document-node/core').TypedDocumentNode<any, any>} AnyDocument */
/**
 * @template R, V
 * @typedef {import('@graphql-typed-document-node/core').TypedDocumentNode<R, V>} TypedDocumentNode
 */

/** The id codegen gave a document (client-preset's `persistedDocuments`, hash only). */
function documentIdOf(/** @type {AnyDocument} */ document) {
  return /** @type {{ __meta__: { hash: string } }} */ (/** @type {unknown} */ (document)).__meta__.hash;
}

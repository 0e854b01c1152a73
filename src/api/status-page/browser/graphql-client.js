// GraphQL for the status page: queries and mutations over HTTP, subscriptions over graphql-ws, all
// with the saved token. A refused token is forgotten, so the page asks for a new one on reload.
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

  /** @param {string} query @param {Record<string, unknown>} [variables] */
  async request(query, variables = {}) {
    const response = await fetch(this.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer(this.token) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    const unauthenticated = body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (response.status === 401 || unauthenticated) forgetToken();
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  }

  /**
   * @param {string} query @param {Record<string, unknown>} variables
   * @param {(data: any) => void} onData @param {(message: string) => void} onError
   * @returns {() => void} unsubscribe
   */
  subscribe(query, variables, onData, onError) {
    return this.ws.subscribe(
      { query, variables },
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

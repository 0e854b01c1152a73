// GraphiQL, bundled from npm by the server (no CDN). The token is asked for once, then sent as
// `Authorization: Bearer` on HTTP and in graphql-ws `connection_init` for subscriptions; where the
// socket cannot open (a proxy that blocks WebSockets), subscriptions go over server-sent events.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { getOperationAST, parse } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { askForToken, bearer, forgetToken, readToken, socketUrl } from './token.js';

const DEFAULT_QUERY = `# Queries run over HTTP, subscriptions over graphql-ws, both with your token.
query {
  fabrics(first: 20) {
    totalCount
    nodes { id name connectionStatus syncStatus watchStatus }
  }
}
`;

/** @param {{ query: string, operationName?: string | null }} params */
function isSubscription({ query, operationName }) {
  try {
    return getOperationAST(parse(query), operationName)?.operation === 'subscription';
  } catch {
    return false; // the server tells what is wrong with it
  }
}

/**
 * Subscriptions over graphql-ws while its socket opens; over server-sent events from the first time
 * it cannot (closed before the server acknowledged it, and not by the server's choice: those close
 * codes are 4000 and up, such as 4403 for a refused token).
 * @param {string} graphqlPath @param {string} token
 */
function createSubscriber(graphqlPath, token) {
  let socketOpened = false;
  let socketBlocked = false;
  const socket = createClient({
    url: socketUrl(graphqlPath),
    connectionParams: { authorization: bearer(token) },
    lazy: true,
    shouldRetry: () => socketOpened,
  });
  socket.on('connected', () => (socketOpened = true));
  const stream = createSseClient({
    url: `${graphqlPath}/stream`,
    headers: { authorization: bearer(token) },
    retryAttempts: 0,
  });
  const blocked = (err) => !socketOpened && !(typeof err?.code === 'number' && err.code >= 4000);
  /** @param {{ query: string, variables?: object, operationName?: string | null }} request */
  return async function* subscribe(request) {
    if (!socketBlocked)
      try {
        return yield* socket.iterate(request);
      } catch (err) {
        if (!blocked(err)) throw err;
        socketBlocked = true;
      }
    yield* stream.iterate(request);
  };
}

/** @param {string} graphqlPath @param {string} token */
function createFetcher(graphqlPath, token) {
  const http = createGraphiQLFetcher({
    url: graphqlPath,
    headers: { authorization: bearer(token) },
    enableIncrementalDelivery: false,
  });
  const subscribe = createSubscriber(graphqlPath, token);
  return (params, options) => (isSubscription(params) ? subscribe(params) : http(params, options));
}

function TokenBar() {
  const forget = () => {
    forgetToken();
    window.location.reload();
  };
  return createElement(
    'div',
    { className: 'token-bar' },
    createElement('span', null, 'fabric-sync GraphQL playground · token saved in this browser'),
    createElement('button', { type: 'button', onClick: forget }, 'Forget token'),
  );
}

async function main() {
  const root = document.getElementById('root');
  const graphqlPath = document.body.dataset.graphqlPath ?? '/graphql';
  const token = readToken() ?? (await askForToken(root, 'sent with every query and subscription'));
  const fetcher = createFetcher(graphqlPath, token);
  root.replaceChildren();
  createRoot(root).render(
    createElement(
      'div',
      { className: 'playground' },
      createElement(TokenBar),
      createElement(
        'div',
        { className: 'editor' },
        createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY }),
      ),
    ),
  );
}

void main();

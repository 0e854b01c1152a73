// GraphiQL, bundled from npm by the server (no CDN). The token is asked for once, then sent as
// `Authorization: Bearer` on HTTP and in graphql-ws `connection_init` for subscriptions.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
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

/** @param {string} graphqlPath @param {string} token */
function createFetcher(graphqlPath, token) {
  const wsClient = createClient({
    url: socketUrl(graphqlPath),
    connectionParams: { authorization: bearer(token) },
    lazy: true,
  });
  return createGraphiQLFetcher({
    url: graphqlPath,
    headers: { authorization: bearer(token) },
    wsClient,
    enableIncrementalDelivery: false,
  });
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

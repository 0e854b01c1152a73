/**
 * GraphiQL at `GET /graphql` for browsers (Accept: text/html): an HTML shell plus a script and a
 * stylesheet bundled from npm on first request (see browser-bundle.ts). API clients asking for JSON
 * keep getting GraphQL on the same path; `prefersPlayground` tells the two apart.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBrowserBundle, PAGE_HEADERS, sendAsset, type PageRoute } from './browser-bundle.js';
import { htmlShell } from './html-shell.js';
import { projectPath } from '../../project-root.js';

export interface PlaygroundOptions {
  /** Where GraphQL is served over HTTP and WebSocket. */
  readonly graphqlPath?: string;
  /** Prefix of the playground's own assets. */
  readonly assetPath?: string;
}

export interface Playground {
  /** Serves the GraphiQL page (the GET /graphql handler when `prefersPlayground`). */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The bundled script and stylesheet. */
  readonly routes: readonly PageRoute[];
}

const PAGE_STYLE = `html,body,#root{height:100%;margin:0}
.playground{display:flex;flex-direction:column;height:100%}
.token-bar{display:flex;gap:1rem;align-items:center;padding:.3rem .8rem;font:14px system-ui,sans-serif;border-bottom:1px solid #ddd}
.editor{flex:1;min-height:0}
.token-form{display:flex;gap:.5rem;align-items:center;padding:2rem;font:15px system-ui,sans-serif}
.token-form input{min-width:24rem;padding:.3rem}`;

/**
 * A browser navigating to the GraphQL URL (HTML accepted, no `query` parameter) gets the playground;
 * anything else is a GraphQL request.
 */
export function prefersPlayground(req: IncomingMessage, url: URL): boolean {
  return (
    req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html')
  );
}

export function createPlaygroundHandler({
  graphqlPath = '/graphql',
  assetPath = '/playground',
}: PlaygroundOptions = {}): Playground {
  const bundle = createBrowserBundle({
    entry: projectPath('src/api/playground/browser/graphiql-app.js'),
  });
  const page = htmlShell({
    title: 'fabric-sync · GraphQL playground',
    scriptPath: `${assetPath}/graphiql.js`,
    stylePaths: [`${assetPath}/graphiql.css`],
    inlineStyle: PAGE_STYLE,
    data: { graphqlPath },
  });
  return {
    handler: async (_req, res) => {
      res.writeHead(200, PAGE_HEADERS);
      res.end(page);
    },
    routes: [
      {
        method: 'GET',
        path: `${assetPath}/graphiql.js`,
        handler: async (req, res) => sendAsset(req, res, (await bundle()).js),
      },
      {
        method: 'GET',
        path: `${assetPath}/graphiql.css`,
        handler: async (req, res) => {
          const { css } = await bundle();
          if (!css) throw new Error('the GraphiQL bundle has no stylesheet');
          sendAsset(req, res, css);
        },
      },
    ],
  };
}

/**
 * The live status page at `GET /`: an HTML shell and one script bundled on first request (see
 * ../playground/browser-bundle.ts). Everything it shows comes from GraphQL: a query, then the
 * fabricStatus, operationProgress and recordEvents subscriptions; the drawing is the topology query;
 * "Sync now" is the syncFabric mutation, "Download diagram" saves Fabric.diagram as a file.
 */
import {
  createBrowserBundle,
  PAGE_HEADERS,
  sendAsset,
  type PageRoute,
} from '../playground/browser-bundle.js';
import { projectPath } from '../../project-root.js';
import { htmlShell } from '../playground/html-shell.js';
import { readManifest } from '../trusted-documents.js';
import { STATUS_PAGE_STYLE } from './style.js';

/** The page's documents by id (`npm run codegen` writes them): trusted whatever the operator's manifest. */
export function statusPageDocuments(): Record<string, string> {
  return readManifest(projectPath('src/api/status-page/generated/persisted-documents.json'));
}

export interface StatusPageOptions {
  readonly graphqlPath?: string;
  readonly path?: string;
  readonly scriptPath?: string;
}

/** The page and its script, as routes for the HTTP server's table. */
export function createStatusPageRoutes({
  graphqlPath = '/graphql',
  path = '/',
  scriptPath = '/status/status-page.js',
}: StatusPageOptions = {}): readonly PageRoute[] {
  const bundle = createBrowserBundle({
    entry: projectPath('src/api/status-page/browser/status-page.js'),
  });
  const page = htmlShell({
    title: 'fabric-sync · status',
    scriptPath,
    inlineStyle: STATUS_PAGE_STYLE,
    data: { graphqlPath },
  });
  return [
    {
      method: 'GET',
      path,
      handler: async (_req, res) => {
        res.writeHead(200, PAGE_HEADERS);
        res.end(page);
      },
    },
    {
      method: 'GET',
      path: scriptPath,
      handler: async (req, res) => sendAsset(req, res, (await bundle()).js),
    },
  ];
}

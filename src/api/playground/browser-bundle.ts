/**
 * Browser code bundled from npm packages with esbuild, lazily on the first request and then kept in
 * memory: nothing is fetched from a CDN (many data centres have no internet), `npm ci` is the only
 * build step, and processes that never serve a page never pay for the bundle.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { build } from 'esbuild';

export interface BundledAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator, so browsers revalidate cheaply after a restart. */
  readonly etag: string;
}

export interface Bundle {
  readonly js: BundledAsset;
  /** Styles imported by the entry (GraphiQL's), if any. */
  readonly css: BundledAsset | null;
}

export interface BrowserBundleOptions {
  /** Absolute path of the browser entry module. */
  readonly entry: string;
  readonly minify?: boolean;
}

const asset = (body: Uint8Array, contentType: string): BundledAsset => ({
  body: Buffer.from(body),
  contentType,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
});

/** Returns a getter that builds once; a failed build is not cached, so the next request retries. */
export function createBrowserBundle({ entry, minify = true }: BrowserBundleOptions): () => Promise<Bundle> {
  let pending: Promise<Bundle> | null = null;
  return () => {
    pending ??= bundle(entry, minify).catch((err: unknown) => {
      pending = null;
      throw new Error(`bundling the browser entry ${entry} failed`, { cause: err });
    });
    return pending;
  };
}

async function bundle(entry: string, minify: boolean): Promise<Bundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: {
      '.woff': 'dataurl',
      '.woff2': 'dataurl',
      '.ttf': 'dataurl',
      '.svg': 'dataurl',
      '.png': 'dataurl',
    },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
  if (!js) throw new Error(`esbuild produced no JavaScript for ${entry}`);
  return {
    js: asset(js.contents, 'text/javascript; charset=utf-8'),
    css: css ? asset(css.contents, 'text/css; charset=utf-8') : null,
  };
}

/** Sends a bundled asset, or 304 when the browser already has this version. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, item: BundledAsset): void {
  const headers = { etag: item.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
  if (req.headers['if-none-match'] === item.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': item.contentType, 'content-length': item.body.length });
  res.end(item.body);
}

/** Headers of the HTML shells: scripts only from this origin; GraphQL over HTTP and WebSocket to it. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
} as const;

/** A route the lead adds to the HTTP server's table: exact method and path. */
export interface PageRoute {
  readonly method: 'GET';
  readonly path: string;
  readonly handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** Small HTTP helpers shared by the routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The whole body, or null once it grows past `limit` (the caller answers 413). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  mediaType = 'application/json',
): void {
  res.writeHead(status, { 'content-type': `${mediaType}; charset=utf-8`, ...headers });
  res.end(JSON.stringify(body));
}

/** An error before GraphQL execution, in GraphQL's response shape and the media type the client accepts. */
export function sendGraphQLError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = { errors: [{ message, extensions: { code } }] };
  sendJson(res, status, body, headers, graphqlMediaType(req.headers.accept));
}

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';

/**
 * The media type of a GraphQL answer for this Accept header, chosen as Apollo chooses it for its own
 * answers: the acceptable one of highest quality, application/json on a tie, on no header, and
 * when neither is acceptable (an error is still better said than refused with 406).
 */
export function graphqlMediaType(accept: string | undefined): string {
  if (!accept) return JSON_TYPE;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { range, q: q ? Number(q.slice(2)) || 0 : 1 };
  });
  // The most specific range that matches a type gives its quality (RFC 9110 §12.5.1).
  const quality = (type: string) =>
    (
      ranges.find((r) => r.range === type) ??
      ranges.find((r) => r.range === 'application/*') ??
      ranges.find((r) => r.range === '*/*')
    )?.q ?? 0;
  return quality(GRAPHQL_RESPONSE_JSON) > quality(JSON_TYPE) ? GRAPHQL_RESPONSE_JSON : JSON_TYPE;
}

/** The HTTP entry point: faults, authentication, content negotiation, routing, replies. */
import type { Request, Response } from './https-listener.js';
import { selfSubjectAccessReview, selfSubjectRulesReview } from './access-review.js';
import type { Authenticator, User } from './auth.js';
import { authorize } from './auth.js';
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { AUTHORIZATION, VERSION_INFO, coreVersions, group, groupList, resourceList } from './discovery.js';
import type { FaultInjector } from './faults.js';
import { etagOf, groupDocument, rootDocument } from './openapi.js';
import { handleResource, verbOf } from './resource-handler.js';
import { route } from './router.js';
import { ApiError, PLAIN_NOT_FOUND, plainNotFound } from './status.js';
import type { WatchOptions } from './watch.js';

export interface HandlerDeps {
  readonly backend: Backend;
  readonly auth: Authenticator;
  readonly faults: FaultInjector;
  readonly watch: WatchOptions;
  /** host:port as /api reports it; known once the listener is bound. */
  readonly serverAddress: () => string;
}

function readBody(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: Response, err: ApiError): void {
  if (err.reason === PLAIN_NOT_FOUND) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('404 page not found\n');
    return;
  }
  const retry = err.details?.retryAfterSeconds;
  send(res, err.code, err.toStatus(), retry !== undefined ? { 'Retry-After': String(retry) } : {});
}

/** JSON unless the client lists only non-JSON types (kubectl always includes plain JSON). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept
    .split(',')
    .some((part) => ['application/json', '*/*', 'application/*'].includes(part.split(';')[0]!.trim()));
}

const orNotFound = (doc: unknown) => {
  if (doc === undefined) throw plainNotFound();
  return doc;
};

function openapiGroup(
  deps: HandlerDeps,
  req: Request,
  res: Response,
  groupName: string,
  version: string,
): void {
  const doc = orNotFound(groupDocument(deps.backend.registry, groupName, version));
  const etag = `"${etagOf(doc)}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  send(res, 200, doc, { ETag: etag, 'Cache-Control': 'public, immutable' });
}

async function dispatch(deps: HandlerDeps, req: Request, res: Response): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const user = deps.auth.authenticate(req.headers.authorization);
  const injected = deps.faults.nextFailure();
  if (injected) throw injected;
  const target = route(deps.backend.registry, url.pathname);
  if (target.kind === 'access-review' || target.kind === 'rules-review')
    return sendReply(res, await review(req, user, target.kind));
  if (req.method !== 'GET' && target.kind !== 'resource') throw plainNotFound();
  const { registry } = deps.backend;
  switch (target.kind) {
    case 'version':
      return send(res, 200, VERSION_INFO);
    case 'api':
      return send(res, 200, coreVersions(deps.serverAddress()));
    case 'apis':
      return send(res, 200, groupList(registry));
    case 'group':
      return send(res, 200, orNotFound(group(registry, target.group)));
    case 'group-version':
      return send(res, 200, orNotFound(resourceList(registry, target.group, target.version)));
    case 'openapi-root':
      return send(res, 200, rootDocument(registry));
    case 'openapi-group':
      return openapiGroup(deps, req, res, target.group, target.version);
    case 'not-found':
      throw plainNotFound();
  }
  if (!acceptsJson(req.headers.accept))
    throw new ApiError(406, 'NotAcceptable', `only application/json is served, not ${req.headers.accept}`);
  const call: ApiCall = {
    method: req.method ?? 'GET',
    query: url.searchParams,
    headers: req.headers,
    body: await readBody(req),
    type: target.type,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    ...(target.name !== undefined ? { name: target.name } : {}),
    ...(target.subresource !== undefined ? { subresource: target.subresource } : {}),
  };
  authorize(user, { ...target, verb: verbOf(call) });
  const reply: Reply | undefined = handleResource(deps.backend, call, res, deps.watch);
  if (reply) sendReply(res, reply);
}

function sendReply(res: Response, reply: Reply): void {
  const warnings = (reply.warnings ?? []).map((w) => `299 - ${JSON.stringify(w)}`);
  send(res, reply.status, reply.body, warnings.length > 0 ? { Warning: warnings } : {});
}

/** The self-subject reviews: create-only, open to every authenticated user. */
async function review(req: Request, user: User, kind: 'access-review' | 'rules-review'): Promise<Reply> {
  const plural = kind === 'access-review' ? 'selfsubjectaccessreviews' : 'selfsubjectrulesreviews';
  if (req.method !== 'POST')
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
      {
        group: AUTHORIZATION.group,
        kind: plural,
      },
    );
  const body = await readBody(req);
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  return kind === 'access-review'
    ? selfSubjectAccessReview(user, body, contentType)
    : selfSubjectRulesReview(user, body, contentType);
}

export function createHandler(deps: HandlerDeps): (req: Request, res: Response) => void {
  return (req, res) => {
    const run = async () => {
      if (deps.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, deps.faults.latencyMs));
      await dispatch(deps, req, res);
    };
    run().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy(err instanceof Error ? err : undefined);
        return;
      }
      sendError(
        res,
        err instanceof ApiError
          ? err
          : new ApiError(500, '', err instanceof Error ? (err.stack ?? err.message) : String(err)),
      );
    });
  };
}

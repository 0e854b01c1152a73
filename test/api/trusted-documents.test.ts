/**
 * Trusted documents (FABRIC_SYNC_TRUSTED_DOCUMENTS, src/api/trusted-documents.ts): a document named by
 * its manifest id runs, in the GraphQL over HTTP appendix's form and in Apollo's; an unknown id is
 * PERSISTED_QUERY_NOT_FOUND; in enforce mode a document sent as text is TRUSTED_DOCUMENT_REQUIRED
 * over HTTP, WebSocket and server-sent events alike, and in allow mode it still runs.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { wsClient } from '../support/subscriptions.js';

const VIEWER = 'query TrustedViewer { viewer { tokenName } }';
const HEX = createHash('sha256').update(VIEWER).digest('hex');
const UNKNOWN = `sha256:${'0'.repeat(64)}`;

let dir: string;
let manifest: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trusted-documents-'));
  manifest = path.join(dir, 'persisted-documents.json');
  await writeFile(manifest, JSON.stringify({ [`sha256:${HEX}`]: VIEWER }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function post(t: TestApp, body: Record<string, unknown>) {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
    body: JSON.stringify(body),
  });
  const { data, errors } = (await response.json()) as {
    data?: unknown;
    errors?: { extensions?: { code?: string } }[];
  };
  return { status: response.status, data, codes: errors?.map((e) => e.extensions?.code) };
}

/** What graphql-ws's and graphql-sse's clients both are. */
type Subscriber = Pick<Client, 'subscribe'>;

/** The first result or error of one operation over graphql-ws or graphql-sse. */
function overSocket(client: Subscriber, payload: Record<string, unknown>) {
  return new Promise<{ data?: unknown; codes?: (string | undefined)[] }>((resolve) => {
    const codes = (errors: readonly { extensions?: { code?: unknown } }[]) =>
      errors.map((e) => e.extensions?.code as string | undefined);
    client.subscribe(payload as { query: string }, {
      next: (r) => resolve(r.errors ? { codes: codes(r.errors) } : { data: r.data }),
      error: (err) => resolve({ codes: codes(err as readonly { extensions?: { code?: unknown } }[]) }),
      complete: () => undefined,
    });
  });
}

const viewer = { viewer: { tokenName: 'bootstrap-admin' } };

describe('enforce mode', () => {
  let t: TestApp;
  let socket: Client;
  beforeAll(async () => {
    t = await startTestApp({
      env: { FABRIC_SYNC_TRUSTED_DOCUMENTS: manifest, FABRIC_SYNC_TRUSTED_DOCUMENTS_MODE: 'enforce' },
    });
    socket = wsClient(t.url, t.adminToken);
  });
  afterAll(async () => {
    await socket?.dispose();
    await t?.close();
  });

  it('refuses a document sent as text, over HTTP and WebSocket', async () => {
    const raw = '{ viewer { tokenName } }';
    expect(await post(t, { query: raw })).toMatchObject({
      status: 400,
      codes: ['TRUSTED_DOCUMENT_REQUIRED'],
    });
    expect(await overSocket(socket, { query: raw })).toEqual({ codes: ['TRUSTED_DOCUMENT_REQUIRED'] });
  });

  it('runs a document named by its manifest id, with or without the sha256: prefix', async () => {
    expect(await post(t, { documentId: `sha256:${HEX}` })).toMatchObject({ status: 200, data: viewer });
    expect(await post(t, { documentId: HEX })).toMatchObject({ status: 200, data: viewer });
    // graphql-ws insists on a query string: an empty one names the document by id instead.
    expect(await overSocket(socket, { query: '', documentId: `sha256:${HEX}` })).toEqual({ data: viewer });
  });

  it("runs one named by Apollo's persisted-query extension, over HTTP POST and GET", async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: HEX } };
    expect(await post(t, { extensions })).toMatchObject({ status: 200, data: viewer });
    const search = new URLSearchParams({ extensions: JSON.stringify(extensions) });
    const response = await fetch(`${t.url}/graphql?${search}`, {
      headers: { authorization: `Bearer ${t.adminToken}`, 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: viewer });
    expect(await overSocket(socket, { query: '', extensions })).toEqual({ data: viewer });
  });

  it('admits over server-sent events as over WebSocket', async () => {
    const sse = createSseClient({
      url: `${t.url}/graphql/stream`,
      headers: { authorization: `Bearer ${t.adminToken}` },
      retryAttempts: 0,
    });
    const extensions = { persistedQuery: { version: 1, sha256Hash: HEX } };
    expect(await overSocket(sse, { query: '', extensions })).toEqual({ data: viewer });
    expect(await overSocket(sse, { query: '{ viewer { tokenName } }' })).toEqual({
      codes: ['TRUSTED_DOCUMENT_REQUIRED'],
    });
  });

  it('answers an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    expect(await post(t, { documentId: UNKNOWN })).toMatchObject({
      status: 400,
      codes: ['PERSISTED_QUERY_NOT_FOUND'],
    });
    expect(await overSocket(socket, { query: '', documentId: UNKNOWN })).toEqual({
      codes: ['PERSISTED_QUERY_NOT_FOUND'],
    });
  });

  it("runs a trusted document's own text", async () => {
    expect(await post(t, { query: VIEWER })).toMatchObject({ status: 200, data: viewer });
  });
});

describe('allow mode (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { FABRIC_SYNC_TRUSTED_DOCUMENTS: manifest } });
  });
  afterAll(() => t?.close());

  it('still runs any document sent as text, and resolves known ids', async () => {
    expect(await post(t, { query: '{ viewer { tokenName } }' })).toMatchObject({ status: 200, data: viewer });
    expect(await post(t, { documentId: `sha256:${HEX}` })).toMatchObject({ status: 200, data: viewer });
    expect(await post(t, { documentId: UNKNOWN })).toMatchObject({ codes: ['PERSISTED_QUERY_NOT_FOUND'] });
  });
});

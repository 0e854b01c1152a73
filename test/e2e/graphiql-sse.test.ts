/**
 * GraphiQL where WebSockets are blocked (as behind a proxy that refuses the upgrade): its
 * subscriptions fall back to server-sent events on /graphql/stream, with the same token.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterToken, responseContains, runInGraphiQL } from './graphiql-page.js';
import { hasChromium, startE2E, type E2E } from './support.js';

describe.skipIf(!hasChromium)('GraphiQL without WebSockets (Chromium)', () => {
  let e2e: E2E;
  let page: Page;
  const streams: string[] = [];

  beforeAll(async () => {
    e2e = await startE2E();
    page = await e2e.newPage();
    // Every socket the page opens fails before it connects, as one a proxy refuses does.
    await page.routeWebSocket(/.*/, (socket) => socket.close({ code: 1006 }));
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/graphql/stream') streams.push(request.method());
    });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('runs a subscription over server-sent events', async () => {
    const url = await e2e.createGitRepository();
    const { createRepository } = await e2e.gql<{ createRepository: { id: string } }>(
      'mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { id } }',
      { input: { name: 'sse-repo', url, defaultBranch: 'main' } },
    );
    const { createFabric } = await e2e.gql<{ createFabric: { id: string } }>(
      'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
      { input: { name: 'without-sockets', repositoryId: createRepository.id, directory: 'fabric' } },
    );
    const { syncFabric } = await e2e.gql<{ syncFabric: { id: string } }>(
      'mutation($id: ID!) { syncFabric(fabricId: $id) { id } }',
      { id: createFabric.id },
    );
    await page.goto(`${e2e.url}/graphql`);
    await enterToken(page, e2e.adminToken);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    await runInGraphiQL(
      page,
      'WatchSync',
      `subscription WatchSync { operationProgress(operationId: "${syncFabric.id}") { status operation { type } } }`,
    );
    const response = await responseContains(page, 'SUCCEEDED');
    expect(JSON.parse(response)).toEqual({
      data: { operationProgress: { status: 'SUCCEEDED', operation: { type: 'GIT_SYNC' } } },
    });
    expect(streams).toContain('POST');
  });
});

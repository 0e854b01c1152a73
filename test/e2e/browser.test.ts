import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fabric } from '../../src/store/entities/index.js';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { enterToken, responseContains, runInGraphiQL, type PageElement } from './graphiql-page.js';
import { hasChromium, startE2E, type E2E } from './support.js';

const FABRIC = 'e2e-fabric';

// What the in-page functions below use (they run in Chromium; this program has no DOM types).
declare const document: { querySelector(selector: string): PageElement | null; readonly body: unknown };
declare const MutationObserver: new (callback: () => void) => {
  observe(target: unknown, options: Record<string, boolean>): void;
};

describe.skipIf(!hasChromium)('in a real browser (Chromium)', () => {
  let e2e: E2E;
  let fabricId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    const url = await e2e.createGitRepository();
    const { createRepository } = await e2e.gql<{ createRepository: { id: string } }>(
      'mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { id } }',
      { input: { name: 'e2e-repo', url, defaultBranch: 'main' } },
    );
    const { createFabric } = await e2e.gql<{ createFabric: { id: string } }>(
      'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
      { input: { name: FABRIC, repositoryId: createRepository.id, directory: 'fabric' } },
    );
    fabricId = createFabric.id;
  });

  afterAll(async () => {
    await e2e?.close();
  });

  describe('GraphiQL at GET /graphql', () => {
    let page: Page;
    const external: string[] = [];

    beforeAll(async () => {
      page = await e2e.newPage();
      // Any request leaving the machine would mean a CDN dependency: refuse it and remember it.
      await page.route(/^(?!https?:\/\/127\.0\.0\.1[:/])(https?|wss?):/, async (route) => {
        external.push(route.request().url());
        await route.abort();
      });
    });

    it('loads from the server alone, asks for the token once and runs a query with it', async () => {
      await page.goto(`${e2e.url}/graphql`);
      await enterToken(page, e2e.adminToken);
      await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
      await runInGraphiQL(
        page,
        'FabricList',
        'query FabricList { fabrics { totalCount nodes { name syncStatus } } }',
      );
      const response = await responseContains(page, FABRIC);
      expect(JSON.parse(response)).toEqual({
        data: { fabrics: { totalCount: 1, nodes: [{ name: FABRIC, syncStatus: 'NEVER_SYNCED' }] } },
      });
      await e2e.screenshot(page, 'graphiql-query');

      await page.reload();
      await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
      expect(await page.locator('#api-token').count()).toBe(0);
      expect(external).toEqual([]);
    });

    it('runs a subscription over graphql-ws with the same token', async () => {
      const { syncFabric } = await e2e.gql<{ syncFabric: { id: string } }>(
        'mutation($id: ID!) { syncFabric(fabricId: $id) { id } }',
        {
          id: fabricId,
        },
      );
      await runInGraphiQL(
        page,
        'WatchSync',
        `subscription WatchSync { operationProgress(operationId: "${syncFabric.id}") { status operation { type } } }`,
      );
      const response = await responseContains(page, 'SUCCEEDED');
      expect(JSON.parse(response)).toEqual({
        data: { operationProgress: { status: 'SUCCEEDED', operation: { type: 'GIT_SYNC' } } },
      });
      await e2e.screenshot(page, 'graphiql-subscription');
    });
  });

  describe('status page at GET /', () => {
    it('shows every fabric and follows a sync started with "Sync now" stage by stage', async () => {
      const page = await e2e.newPage();
      await page.goto(e2e.url);
      const row = page.locator(`tr[data-fabric="${FABRIC}"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await row.locator('.badge.connection').getAttribute('data-value')).toBe('UNKNOWN');

      const seen = page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const states: string[] = [];
            new MutationObserver(() => {
              const op = document.querySelector('tr[data-fabric] .operation');
              const state = op?.getAttribute('data-status') ?? '';
              if (states.at(-1) !== state) states.push(state);
              if (state === 'SUCCEEDED' || state === 'FAILED') resolve(states);
            }).observe(document.body, { subtree: true, childList: true, attributes: true });
          }),
      );
      await row.locator('button.sync-now').click();
      const states = await seen;
      expect(states).toContain('RUNNING');
      expect(states.at(-1)).toBe('SUCCEEDED');
      const stages = await row
        .locator('.stages li')
        .evaluateAll((items) =>
          items.map((li) => [li.getAttribute('data-stage'), li.getAttribute('data-status')]),
        );
      expect(stages.map(([name]) => name)).toEqual(['FETCH', 'PARSE', 'VALIDATE', 'PERSIST']);
      expect(stages.every(([, status]) => status === 'SUCCEEDED' || status === 'SKIPPED')).toBe(true);
      await e2e.screenshot(page, 'status-page-after-sync');
    });

    it('shows record events (kept and live) and status axes as their subscriptions deliver them', async () => {
      const id = Buffer.from(fabricId, 'base64url').toString('utf8').split(':')[1]!;
      const publish = (name: string) =>
        e2e.app.services.events.publish('recordEvents', id, {
          fabricId: id,
          kind: 'VPC',
          namespace: 'default',
          name,
          type: 'ADDED',
          at: new Date().toISOString(),
        });
      await publish('vpc-before');
      const page = await e2e.newPage();
      await page.goto(e2e.url);
      await page.locator('#events li', { hasText: 'VPC/default/vpc-before' }).waitFor({ timeout: 30_000 });
      // The replayed event proves this page's subscriptions are open: now change a status axis.
      await e2e.db.orm.em.fork().nativeUpdate(Fabric, { id }, { watchStatus: 'STARTING' });
      await e2e.app.services.events.publish('fabricStatus', id, {
        fabricId: id,
        watchStatus: 'STARTING',
        at: new Date().toISOString(),
      });
      const row = page.locator(`tr[data-fabric="${FABRIC}"]`);
      await row.locator('.badge.watch[data-value="STARTING"]').waitFor({ timeout: 15_000 });
      await publish('vpc-live');
      await page.locator('#events li', { hasText: 'VPC/default/vpc-live' }).waitFor({ timeout: 15_000 });
      expect(await page.locator('#events li').allTextContents()).toEqual([
        expect.stringContaining('vpc-live'),
        expect.stringContaining('vpc-before'),
      ]);
      await e2e.screenshot(page, 'status-page-record-event');
    });

    it('draws the topology of the fabric picked: every switch and server, one line per link', async () => {
      // 6 switches, 12 servers and 26 links: the fabric test/api/graph-impact.test.ts draws too.
      const url = await e2e.createGitRepository(
        fabricFiles(generateFabric({ seed: 3 }), { dir: 'fabric', files: 5 }),
      );
      const { createRepository } = await e2e.gql<{ createRepository: { id: string } }>(
        'mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { id } }',
        { input: { name: 'e2e-topology-repo', url, defaultBranch: 'main' } },
      );
      const { createFabric } = await e2e.gql<{ createFabric: { id: string } }>(
        'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
        { input: { name: 'e2e-topology', repositoryId: createRepository.id, directory: 'fabric' } },
      );
      const { syncFabric } = await e2e.gql<{ syncFabric: { id: string } }>(
        'mutation($id: ID!) { syncFabric(fabricId: $id) { id } }',
        { id: createFabric.id },
      );
      for (let status = 'QUEUED'; status === 'QUEUED' || status === 'RUNNING';) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ({ status } = (
          await e2e.gql<{ operation: { status: string } }>(
            'query($id: ID!) { operation(id: $id) { status } }',
            {
              id: syncFabric.id,
            },
          )
        ).operation);
        if (status === 'FAILED') throw new Error('the topology fabric did not sync');
      }

      const page = await e2e.newPage();
      await page.goto(e2e.url);
      await page
        .locator('#topology-fabric option', { hasText: 'e2e-topology' })
        .waitFor({ state: 'attached', timeout: 30_000 });
      await page.selectOption('#topology-fabric', { label: 'e2e-topology' });
      await page.locator('#topology svg[data-nodes="18"]').waitFor({ timeout: 15_000 });
      const kinds = await page
        .locator('#topology g.node')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')));
      expect(kinds.filter((k) => k === 'Switch')).toHaveLength(6);
      expect(kinds.filter((k) => k === 'Server')).toHaveLength(12);
      expect(await page.locator('#topology line.link').count()).toBe(26);
      expect(await page.locator('#topology g.node[data-node="spine-01"] text').textContent()).toBe(
        'spine-01',
      );
      expect(await page.locator('#topology line.link.EXTERNAL').count()).toBe(2);
      await e2e.screenshot(page, 'status-page-topology');
    });
  });
});

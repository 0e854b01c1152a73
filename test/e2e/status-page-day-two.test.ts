/**
 * The status page's day-two parts in Chromium. "Download diagram": the file saved for each format is
 * the fabric's Fabric.diagram, named after the fabric, and the draw.io file parses as XML in the
 * browser's own parser (DOMParser reports any well-formedness error as a <parsererror> document).
 * A suspension shows on the fabric's row as its fabricStatus event arrives.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fabricFiles, generateFabric } from '../support/fixtures/index.js';
import { followOperation } from '../support/subscriptions.js';
import { enterToken } from './graphiql-page.js';
import { hasChromium, startE2E, type E2E } from './support.js';

const FABRIC = 'e2e-diagram';
/** generateFabric({ seed: 3 }): 26 links (test/e2e/browser.test.ts draws the same fabric). */
const LINKS = 26;

declare const DOMParser: new () => {
  parseFromString(
    text: string,
    type: string,
  ): {
    getElementsByTagName(name: string): { length: number };
    documentElement: { nodeName: string };
  };
};

describe.skipIf(!hasChromium)('the status page’s day-two parts (Chromium)', () => {
  let e2e: E2E;
  let page: Page;
  let fabricId: string;

  beforeAll(async () => {
    e2e = await startE2E();
    const url = await e2e.createGitRepository(
      fabricFiles(generateFabric({ seed: 3 }), { dir: 'fabric', files: 5 }),
    );
    const { createRepository } = await e2e.gql<{ createRepository: { id: string } }>(
      'mutation($input: CreateRepositoryInput!) { createRepository(input: $input) { id } }',
      { input: { name: 'e2e-diagram-repo', url, defaultBranch: 'main' } },
    );
    const { createFabric } = await e2e.gql<{ createFabric: { id: string } }>(
      'mutation($input: CreateFabricInput!) { createFabric(input: $input) { id } }',
      { input: { name: FABRIC, repositoryId: createRepository.id, directory: 'fabric' } },
    );
    const { syncFabric } = await e2e.gql<{ syncFabric: { id: string } }>(
      'mutation($id: ID!) { syncFabric(fabricId: $id) { id } }',
      { id: createFabric.id },
    );
    fabricId = createFabric.id;
    expect((await followOperation(e2e.app.url, e2e.adminToken, syncFabric.id)).at(-1)).toBe('SUCCEEDED');
    page = await e2e.newPage();
    await page.goto(e2e.url);
    await enterToken(page, e2e.adminToken);
    await page.locator('#topology svg').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await e2e?.close();
  });

  async function download(format: string): Promise<{ name: string; text: string }> {
    await page.selectOption('#diagram-format', format);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#diagram-download')]);
    return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
  }

  it.each([
    ['MERMAID', `${FABRIC}.mmd`, /^flowchart TB\n/, / ---\|/g],
    ['DOT', `${FABRIC}.dot`, new RegExp(`^graph "${FABRIC}" \\{\\n`), / -- /g],
    ['DRAWIO', `${FABRIC}.drawio`, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<mxfile /, / edge="1"/g],
  ])('saves the %s diagram as %s, one edge per link', async (format, fileName, start, edge) => {
    const { name, text } = await download(format);
    expect(name).toBe(fileName);
    expect(text).toMatch(start);
    expect(text.match(edge)).toHaveLength(LINKS);
  });

  it('saves a draw.io file the browser parses as XML', async () => {
    const { text } = await download('DRAWIO');
    const parsed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return { root: doc.documentElement.nodeName, errors: doc.getElementsByTagName('parsererror').length };
    }, text);
    expect(parsed).toEqual({ root: 'mxfile', errors: 0 });
    await e2e.screenshot(page, 'status-page-diagram-download');
  });

  it('marks a suspended fabric with its reason, and unmarks it once resumed', async () => {
    const badge = page.locator(`tr[data-fabric="${FABRIC}"] .badge.suspended`);
    await e2e.gql('mutation($id: ID!) { suspendFabric(id: $id, reason: "change freeze") { id } }', {
      id: fabricId,
    });
    await badge.waitFor({ timeout: 15_000 });
    expect([await badge.textContent(), await badge.getAttribute('title')]).toEqual([
      'SUSPENDED',
      'change freeze',
    ]);
    await e2e.screenshot(page, 'status-page-suspended');
    await e2e.gql('mutation($id: ID!) { resumeFabric(id: $id) { id } }', { id: fabricId });
    await badge.waitFor({ state: 'detached', timeout: 15_000 });
  });
});

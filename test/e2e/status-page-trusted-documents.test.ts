/**
 * The status page under FABRIC_SYNC_TRUSTED_DOCUMENTS_MODE=enforce, with an operator's manifest of its
 * own: the page's documents (codegen's manifest, always trusted) load the fabric list over HTTP and
 * follow its subscriptions over graphql-ws, while a document in neither manifest is refused.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '../support/app.js';
import { enterToken } from './graphiql-page.js';
import { hasChromium, startE2E, type E2E } from './support.js';

const FABRIC = 'trusted-fabric';
// The operator's manifest: the one document this test itself sends.
const CREATE_FABRIC =
  'mutation CreateFabric($input: CreateFabricInput!) { createFabric(input: $input) { id } }';

describe.skipIf(!hasChromium)('the status page with only trusted documents running (Chromium)', () => {
  let e2e: E2E;
  let dir: string;
  let fabricId: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trusted-e2e-'));
    const manifest = path.join(dir, 'persisted-documents.json');
    const id = `sha256:${createHash('sha256').update(CREATE_FABRIC).digest('hex')}`;
    await writeFile(manifest, JSON.stringify({ [id]: CREATE_FABRIC }));
    e2e = await startE2E({
      FABRIC_SYNC_TRUSTED_DOCUMENTS: manifest,
      FABRIC_SYNC_TRUSTED_DOCUMENTS_MODE: 'enforce',
    });
    const { createFabric } = await e2e.gql<{ createFabric: { id: string } }>(CREATE_FABRIC, {
      input: { name: FABRIC },
    });
    fabricId = createFabric.id;
  });
  afterAll(async () => {
    await e2e?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a document outside both manifests', async () => {
    const refused = await postGraphQL(e2e.app.url, '{ fabrics { totalCount } }', {}, e2e.adminToken);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
  });

  it('lists the fabric and follows its record events subscription', async () => {
    const page = await e2e.newPage();
    await page.goto(e2e.url);
    await enterToken(page, e2e.adminToken);
    const row = page.locator(`tr[data-fabric="${FABRIC}"]`);
    await row.waitFor({ timeout: 30_000 });
    // The page subscribed to the fabric's record events once its list loaded (by id, over graphql-ws).
    const id = Buffer.from(fabricId, 'base64url').toString('utf8').split(':')[1]!;
    await e2e.app.services.events.publish('recordEvents', id, {
      fabricId: id,
      kind: 'VPC',
      namespace: 'default',
      name: 'vpc-trusted',
      type: 'ADDED',
      at: new Date().toISOString(),
    });
    await page.locator('#events li', { hasText: 'VPC/default/vpc-trusted' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#problems li').allTextContents()).toEqual([]);
    await e2e.screenshot(page, 'status-page-trusted-documents');
  });
});

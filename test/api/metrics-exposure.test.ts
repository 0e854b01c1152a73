/**
 * /metrics must not tell anyone who can reach the API port which fabrics exist: per-fabric series
 * need FABRIC_SYNC_METRICS_TOKEN or a METRICS_PORT listener (127.0.0.1 unless METRICS_HOST).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { dataOf, startTestApp, type TestApp } from '../support/app.js';

const FABRIC = 'confidential-east';
const METRICS_TOKEN = `metrics-${'m'.repeat(32)}`;
const FABRIC_SERIES = `fabric_sync_records{fabric="${FABRIC}",kind="VPC"} 3`;

let db: TestDatabase;
let t: TestApp | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => db?.close());

/** A server on the shared database with one fabric that holds records, so its name has series. */
async function start(env: Record<string, string>): Promise<TestApp> {
  t = await startTestApp({ db, env: { FABRIC_SYNC_RESCAN_SECONDS: '0', ...env } });
  const { fabric } = dataOf(
    await t.gql<{ fabric: { id: string } | null }>(`{ fabric(name: "${FABRIC}") { id } }`),
  );
  if (!fabric) dataOf(await t.gql(`mutation { createFabric(input: { name: "${FABRIC}" }) { id } }`));
  await db.orm.em
    .getConnection()
    .execute(`update fabric set kind_counts = '{"VPC": 3}' where name = ?`, [FABRIC]);
  return t;
}

const scrape = (url: string, token?: string) =>
  fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('/metrics', () => {
  it('on the API port without any setting leaves out every series that names a fabric', async () => {
    const app = await start({});
    const response = await scrape(app.url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('fabric_sync_http_request_duration_seconds');
    expect(text).not.toContain(FABRIC);
  });

  it('with FABRIC_SYNC_METRICS_TOKEN needs that bearer token, and then names fabrics', async () => {
    const app = await start({ FABRIC_SYNC_METRICS_TOKEN: METRICS_TOKEN });
    expect((await scrape(app.url)).status).toBe(401);
    expect((await scrape(app.url, `${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(app.url, app.adminToken)).status).toBe(401);
    const response = await scrape(app.url, METRICS_TOKEN);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(FABRIC_SERIES);
  });

  it('with METRICS_PORT moves to a loopback listener of its own; the API port answers 404', async () => {
    const app = await start({ METRICS_PORT: '0' });
    expect((await scrape(app.url)).status).toBe(404);
    expect(app.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await scrape(app.app.metricsUrl!);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(FABRIC_SERIES);
  });

  it('with both, the metrics listener needs the token too', async () => {
    const app = await start({ METRICS_PORT: '0', FABRIC_SYNC_METRICS_TOKEN: METRICS_TOKEN });
    expect((await scrape(app.app.metricsUrl!)).status).toBe(401);
    expect((await scrape(app.app.metricsUrl!, METRICS_TOKEN)).status).toBe(200);
  });

  it('refuses a FABRIC_SYNC_METRICS_TOKEN shorter than 32 characters at start', async () => {
    await expect(start({ FABRIC_SYNC_METRICS_TOKEN: 'short' })).rejects.toThrow(
      /FABRIC_SYNC_METRICS_TOKEN: must be at least 32 characters/,
    );
  });
});

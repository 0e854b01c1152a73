/**
 * Vitest's globalSetup: the PostgreSQL server every test file creates its database on. DATABASE_URL's
 * when set (CI uses the machine's server), else one embedded PostgreSQL for the whole run, in a
 * temporary directory, so `npm test` needs nothing installed. Files get the URL from inject().
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/store/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
  }
}

/** Two files at once, each with a pool of 10 and up to three server processes with theirs. */
const MAX_CONNECTIONS = 200;

export async function startDatabaseServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const configured = process.env['DATABASE_URL'];
  if (configured) return { url: configured, stop: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), 'fs-test-pg-'));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    maxConnections: MAX_CONNECTIONS,
  });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDatabaseServer();
  project.provide('databaseServerUrl', server.url);
  return () => server.stop();
}

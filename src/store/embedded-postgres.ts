/**
 * The default database when DATABASE_URL is unset: PGlite (PostgreSQL compiled to WASM, from npm)
 * served over the PostgreSQL wire protocol on a loopback port, so the same driver and SQL work
 * against it and against a real server.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for the data files; undefined keeps everything in memory (tests). */
  readonly dataDir?: string;
  /** At least the ORM pool size, or connections beyond it are refused. */
  readonly maxConnections: number;
}

export async function startEmbeddedPostgres({
  dataDir,
  maxConnections,
}: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

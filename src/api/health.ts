/** /healthz says the process is up; /readyz that it can serve: database reachable, schema migrated. */
import type { ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { pendingMigrations } from '../store/migrate.js';
import { sendJson } from './http-io.js';

export const healthz = (res: ServerResponse) => sendJson(res, 200, { status: 'ok' });

export async function readyz(res: ServerResponse, orm: MikroORM): Promise<void> {
  try {
    await orm.em.getConnection().execute('select 1');
    const pending = await pendingMigrations(orm);
    if (pending.length > 0) return sendJson(res, 503, { status: 'migrating', pending });
    sendJson(res, 200, { status: 'ready' });
  } catch {
    // The reason may hold connection details: readiness only says whether, logs say why.
    sendJson(res, 503, { status: 'database unreachable' });
  }
}

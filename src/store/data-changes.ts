/**
 * Tells the replica that some replica committed a write: every application table's statement trigger
 * notifies DATA_CHANGED_CHANNEL (migration 20261126193000), and this feed LISTENs on one dedicated
 * connection. PostgreSQL drops notifications for a session that is not listening, so while the
 * connection is down listeners hear `listening(false)`, and `listening(true)` once it listens again.
 * A database that accepts LISTEN but never delivers (the embedded PGlite's socket) is found by a
 * probe notification at start, and the feed then stays off.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';

export const DATA_CHANGED_CHANNEL = 'fabric_sync_data_changed';
const PROBE_TIMEOUT_MS = 2000;

export interface DataChangeListener {
  /** A write was committed somewhere. */
  changed(): void;
  /** Whether notifications are arriving; false means writes may go unnoticed. */
  listening(isListening: boolean): void;
}

interface Notification {
  readonly channel: string;
  readonly payload?: string;
}

/** The part of a pg client the feed uses. */
interface NotifyingConnection {
  on(event: 'notification', listener: (message: Notification) => void): unknown;
  on(event: 'error' | 'end', listener: () => void): unknown;
  off(event: 'notification', listener: (message: Notification) => void): unknown;
  off(event: 'error' | 'end', listener: () => void): unknown;
}

export interface DataChangeFeedOptions {
  /** Wait before listening again after the connection failed. */
  readonly retryMs?: number;
  readonly onError?: (err: unknown) => void;
}

interface Session {
  readonly connection: NotifyingConnection;
  /** Removes this feed's event handlers (the pool keeps the connection and its own handlers). */
  readonly detach: () => void;
}

export class DataChangeFeed {
  private session: Session | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly listener: DataChangeListener,
    private readonly options: DataChangeFeedOptions = {},
  ) {}

  private get knex(): Knex {
    return this.orm.em.getConnection().getKnex();
  }

  /** Resolves once listening, or once the attempt failed (a retry is then scheduled). */
  async start(): Promise<void> {
    if (this.closed || this.session) return;
    try {
      const connection = (await this.knex.client.acquireConnection()) as NotifyingConnection;
      const onNotification = ({ channel }: Notification) => {
        if (channel === DATA_CHANGED_CHANNEL) this.listener.changed();
      };
      const onLost = () => {
        if (this.session?.connection === connection) void this.lost();
      };
      connection.on('notification', onNotification);
      connection.on('error', onLost);
      connection.on('end', onLost);
      const detach = () => {
        connection.off('notification', onNotification);
        connection.off('error', onLost);
        connection.off('end', onLost);
      };
      this.session = { connection, detach };
      await this.knex.raw(`listen ${DATA_CHANGED_CHANNEL}`).connection(connection);
      if (!(await this.notificationsArrive(connection))) {
        await this.release();
        this.closed = true;
        this.options.onError?.(
          new Error(
            `notifications sent on ${DATA_CHANGED_CHANNEL} do not arrive: not listening on this database`,
          ),
        );
        return;
      }
      if (this.closed) return await this.release();
      this.listener.listening(true);
    } catch (err) {
      this.options.onError?.(err);
      await this.lost();
    }
  }

  /** Sends a notification from another session and waits for it on the listening one. */
  private async notificationsArrive(connection: NotifyingConnection): Promise<boolean> {
    const probe = randomUUID();
    let settle: (arrived: boolean) => void = () => undefined;
    const arrived = new Promise<boolean>((resolve) => (settle = resolve));
    const onNotification = ({ payload }: Notification) => payload === probe && settle(true);
    const timer = setTimeout(() => settle(false), PROBE_TIMEOUT_MS);
    connection.on('notification', onNotification);
    try {
      await this.knex.raw('select pg_notify(?, ?)', [DATA_CHANGED_CHANNEL, probe]);
      return await arrived;
    } finally {
      clearTimeout(timer);
      connection.off('notification', onNotification);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.release();
  }

  private async lost(): Promise<void> {
    this.listener.listening(false);
    await this.release();
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, this.options.retryMs ?? 1000);
  }

  /** Back to the pool, which discards a broken connection; a healthy one stops listening first. */
  private async release(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    session.detach();
    await this.knex
      .raw('unlisten *')
      .connection(session.connection)
      .catch(() => undefined);
    await this.knex.client.releaseConnection(session.connection).catch(() => undefined);
  }
}

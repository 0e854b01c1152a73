/**
 * Tells the replica that some replica committed a write: every application table's statement trigger
 * notifies DATA_CHANGED_CHANNEL with an empty payload (migration 20261126193000), and this feed
 * LISTENs on one connection of its own (outside the pool, so a broken one never returns to it).
 * PostgreSQL drops notifications for a session that is not
 * listening, so while the connection is down listeners hear `listening(false)`, and
 * `listening(true)` once it listens again.
 *
 * A probe (a notification with a payload of its own, which is not a change) checks the path: at
 * start, where a database that accepts LISTEN but never delivers (a pooler in transaction mode)
 * leaves the feed off for good; then every few seconds, so a connection
 * that died without a word (a dropped NAT mapping, a failover) is noticed within about
 * HEARTBEAT_MS + PROBE_TIMEOUT_MS.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from '@mikro-orm/knex';
import type { MikroORM } from '@mikro-orm/postgresql';

const DATA_CHANGED_CHANNEL = 'fabric_sync_data_changed';
const PROBE_TIMEOUT_MS = 2000;
const HEARTBEAT_MS = 5000;
const MAX_RETRY_MS = 30_000;

/** `work`, or a rejection once PROBE_TIMEOUT_MS pass (a dead network never answers). */
async function withinProbeTimeout<T>(work: PromiseLike<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} got no answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

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
  /** Wait before listening again after the connection failed, doubled per failure up to MAX_RETRY_MS. */
  readonly retryMs?: number;
  readonly heartbeatMs?: number;
  readonly onError?: (err: unknown) => void;
}

interface Session {
  readonly connection: NotifyingConnection;
  /** Removes this feed's event handlers (the pool keeps the connection and its own handlers). */
  readonly detach: () => void;
  /** The payload of the probe in flight and how to settle it. */
  probe?: { readonly id: string; readonly arrived: () => void };
}

export class DataChangeFeed {
  private session: Session | undefined;
  private starting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Until the first probe arrives, a silent database may simply not deliver notifications. */
  private everListened = false;
  /** Failed attempts since the feed last listened. */
  private failures = 0;
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
  start(): Promise<void> {
    if (this.closed || this.session || this.starting) return this.starting ?? Promise.resolve();
    this.starting = this.listen().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    await this.starting;
    await this.release();
  }

  private async listen(): Promise<void> {
    try {
      const connecting = this.knex.client.acquireRawConnection() as Promise<NotifyingConnection>;
      const connection = await withinProbeTimeout(connecting, 'connecting').catch((err: unknown) => {
        void connecting.then((late) => this.knex.client.destroyRawConnection(late)).catch(() => undefined);
        throw err;
      });
      const session = this.open(connection);
      await withinProbeTimeout(
        this.knex.raw(`listen ${DATA_CHANGED_CHANNEL}`).connection(session.connection),
        'LISTEN',
      );
      const arrived = await this.probe(session);
      if (this.session !== session || this.closed) return await this.release();
      if (!arrived && !this.everListened) {
        this.closed = true;
        await this.release();
        this.options.onError?.(
          new Error(
            `notifications sent on ${DATA_CHANGED_CHANNEL} do not arrive: not listening on this database`,
          ),
        );
        return;
      }
      if (!arrived) throw new Error(`the probe notification did not arrive within ${PROBE_TIMEOUT_MS} ms`);
      this.everListened = true;
      this.failures = 0;
      this.listener.listening(true);
      this.heartbeat = setInterval(() => void this.beat(session), this.options.heartbeatMs ?? HEARTBEAT_MS);
    } catch (err) {
      this.options.onError?.(err);
      await this.lost();
    }
  }

  /** Takes the connection as the feed's session: trigger payloads are changes, probes are not. */
  private open(connection: NotifyingConnection): Session {
    const onNotification = ({ channel, payload }: Notification) => {
      if (channel !== DATA_CHANGED_CHANNEL) return;
      if (!payload) return this.listener.changed();
      if (payload === session.probe?.id) session.probe.arrived();
    };
    const onLost = () => {
      if (this.session === session) void this.lost();
    };
    connection.on('notification', onNotification);
    connection.on('error', onLost);
    connection.on('end', onLost);
    const session: Session = {
      connection,
      detach: () => {
        connection.off('notification', onNotification);
        connection.off('error', onLost);
        connection.off('end', onLost);
      },
    };
    this.session = session;
    return session;
  }

  /**
   * Sends a probe from another session; true once it arrives on this one, false after
   * PROBE_TIMEOUT_MS whatever happened meanwhile (a send that hangs on a dead network included).
   */
  private async probe(session: Session): Promise<boolean> {
    const arrived = new Promise<true>((resolve) => {
      session.probe = { id: randomUUID(), arrived: () => resolve(true) };
    });
    try {
      await withinProbeTimeout(
        this.knex
          .raw('select pg_notify(?, ?)', [DATA_CHANGED_CHANNEL, session.probe!.id])
          .then(() => arrived),
        'the probe notification',
      );
      return true;
    } catch {
      return false;
    } finally {
      session.probe = undefined;
    }
  }

  private async beat(session: Session): Promise<void> {
    if (session.probe || this.session !== session) return;
    const arrived = await this.probe(session).catch(() => false);
    if (!arrived && this.session === session && !this.closed) {
      this.options.onError?.(new Error('a heartbeat notification did not arrive: listening again'));
      await this.lost();
    }
  }

  private async lost(): Promise<void> {
    clearInterval(this.heartbeat);
    this.listener.listening(false);
    await this.release({ broken: true });
    if (this.closed || this.retry) return;
    const delay = Math.min(MAX_RETRY_MS, (this.options.retryMs ?? 1000) * 2 ** this.failures++);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, delay);
  }

  /** Ends the session's connection; a broken one's peer may never confirm, so that is not awaited. */
  private async release({ broken = false } = {}): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    session.detach();
    const ending = this.knex.client.destroyRawConnection(session.connection).catch(() => undefined);
    if (!broken) await ending;
  }
}

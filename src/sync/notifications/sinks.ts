/** Creating, changing and removing a fabric's notification sinks; the secret is sealed, never kept plain. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { badInput, notFound } from '../../domain/errors.js';
import { httpUrl, integerRange } from '../../domain/input-rules.js';
import type { NotificationEvent, NotificationFormat } from '../../domain/notification-events.js';
import { Fabric, NotificationSink } from '../../store/entities/index.js';
import { SECRET_SLOTS, type Vault } from '../../security/vault.js';

export interface SinkInput {
  readonly url?: string | null;
  /** Write-only. An empty string removes it. */
  readonly secret?: string | null;
  readonly events?: readonly NotificationEvent[] | null;
  readonly format?: NotificationFormat | null;
  readonly minIntervalSeconds?: number | null;
}

export interface SinkServiceDeps {
  readonly orm: MikroORM;
  readonly vault: Vault;
  /** The notifier, so a new sink's fabric is followed at once rather than at the next rescan. */
  readonly follow: (fabricId: string) => Promise<void>;
}

const MAX_INTERVAL_SECONDS = 24 * 3600;

export class SinkService {
  constructor(private readonly deps: SinkServiceDeps) {}

  async create(fabricId: string, input: SinkInput): Promise<NotificationSink> {
    const em = this.deps.orm.em.fork();
    if (!(await em.findOne(Fabric, fabricId, { fields: ['id'] }))) throw notFound('fabric', fabricId);
    if (!input.url) throw badInput('input.url', 'is required');
    if (!input.events?.length) throw badInput('input.events', 'must name at least one event');
    const sink = Object.assign(new NotificationSink(), {
      id: randomUUID(),
      fabric: em.getReference(Fabric, fabricId),
    });
    this.apply(sink, input);
    em.persist(sink);
    await em.flush();
    await this.deps.follow(fabricId);
    return sink;
  }

  async update(id: string, input: SinkInput): Promise<NotificationSink> {
    const em = this.deps.orm.em.fork();
    const sink = await em.findOne(NotificationSink, id);
    if (!sink) throw notFound('notification sink', id);
    this.apply(sink, input);
    sink.updatedAt = new Date();
    await em.flush();
    return sink;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.deps.orm.em.fork().nativeDelete(NotificationSink, id)) > 0;
  }

  private apply(sink: NotificationSink, input: SinkInput): void {
    if (input.url != null) sink.url = httpUrl('input.url', input.url).toString();
    if (input.events != null) {
      if (input.events.length === 0) throw badInput('input.events', 'must name at least one event');
      sink.events = [...new Set(input.events)];
    }
    if (input.format != null) sink.format = input.format;
    if (input.minIntervalSeconds != null)
      sink.minIntervalSeconds = integerRange(
        'input.minIntervalSeconds',
        input.minIntervalSeconds,
        0,
        MAX_INTERVAL_SECONDS,
      );
    if (input.secret === '') sink.secretCiphertext = null;
    else if (input.secret != null) {
      if (input.secret.length < 16) throw badInput('input.secret', 'must be at least 16 characters');
      sink.secretCiphertext = this.deps.vault.seal(
        input.secret,
        SECRET_SLOTS.notificationSinkSecret(sink.id),
      );
    }
  }
}

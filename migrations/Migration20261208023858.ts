import { Migration } from '@mikro-orm/migrations';

/**
 * Notification sinks per fabric and their delivery log (src/sync/notifications). Like every
 * application table they notify their writes (Migration20261126193000): GraphQL answers read them.
 */
export class Migration20261208023858 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notification_sink" ("id" uuid not null, "fabric_id" uuid not null, "url" text not null, "events" text[] not null, "format" text check ("format" in ('JSON', 'SLACK')) not null default 'JSON', "min_interval_seconds" int not null default 0, "secret_ciphertext" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "notification_sink_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "notification_sink_fabric_id_created_at_index" on "notification_sink" ("fabric_id", "created_at");`,
    );

    this.addSql(
      `create table "notification_delivery" ("id" uuid not null, "sink_id" uuid not null, "transition_id" varchar(255) not null, "event" text check ("event" in ('OPERATION_FAILED', 'OPERATION_RECOVERED', 'DRIFT_DETECTED', 'DRIFT_CLEARED', 'HEALTH_DEGRADED', 'HEALTH_RECOVERED', 'WATCH_ERROR')) not null, "status" text check ("status" in ('PENDING', 'DELIVERED', 'FAILED', 'SUPPRESSED')) not null default 'PENDING', "payload" jsonb not null, "status_code" int null, "attempts" int not null default 0, "error" text null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "notification_delivery_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "notification_delivery_sink_id_created_at_index" on "notification_delivery" ("sink_id", "created_at");`,
    );
    this.addSql(
      `alter table "notification_delivery" add constraint "notification_delivery_sink_id_transition_id_unique" unique ("sink_id", "transition_id");`,
    );

    this.addSql(
      `alter table "notification_sink" add constraint "notification_sink_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "notification_delivery" add constraint "notification_delivery_sink_id_foreign" foreign key ("sink_id") references "notification_sink" ("id") on update cascade on delete cascade;`,
    );

    for (const table of ['notification_sink', 'notification_delivery'])
      this.addSql(
        `create trigger "${table}_data_changed" after insert or update or delete or truncate on "${table}" for each statement execute function fabric_sync_notify_data_changed();`,
      );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "notification_delivery" drop constraint "notification_delivery_sink_id_foreign";`,
    );

    this.addSql(`drop table if exists "notification_sink" cascade;`);

    this.addSql(`drop table if exists "notification_delivery" cascade;`);
  }
}

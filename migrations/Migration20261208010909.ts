import { Migration } from '@mikro-orm/migrations';

/**
 * Verified webhook deliveries by id, so a replayed delivery starts nothing on any replica
 * (src/store/webhook-deliveries.ts). Like every application table it notifies its writes
 * (Migration20261126193000), although no GraphQL answer reads it yet.
 */
export class Migration20261208010909 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_delivery" ("repository_id" uuid not null, "delivery_id" varchar(255) not null, "received_at" timestamptz not null, constraint "webhook_delivery_pkey" primary key ("repository_id", "delivery_id"));`,
    );
    this.addSql(`create index "webhook_delivery_received_at_index" on "webhook_delivery" ("received_at");`);

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_repository_id_foreign" foreign key ("repository_id") references "git_repository" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create trigger "webhook_delivery_data_changed" after insert or update or delete or truncate on "webhook_delivery" for each statement execute function fabric_sync_notify_data_changed();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261126142014 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_token" ("id" uuid not null, "name" varchar(255) not null, "token_hash" varchar(128) not null, "grants" jsonb not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, constraint "api_token_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "git_repository" ("id" uuid not null, "name" varchar(253) not null, "url" text not null, "default_branch" varchar(255) not null default 'main', "auth_kind" text check ("auth_kind" in ('NONE', 'TOKEN', 'BASIC', 'SSH_KEY')) not null default 'NONE', "username" varchar(255) null, "credential_ciphertext" text null, "webhook_secret_ciphertext" text null, "insecure_ignore_host_key" boolean not null default false, "connection_status" text check ("connection_status" in ('UNKNOWN', 'CONNECTED', 'AUTH_FAILED', 'NOT_FOUND', 'UNREACHABLE')) not null default 'UNKNOWN', "connection_message" text null, "last_checked_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "git_repository_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "git_repository" add constraint "git_repository_name_unique" unique ("name");`);

    this.addSql(
      `create table "fabric" ("id" uuid not null, "name" varchar(63) not null, "description" text null, "lifecycle" text check ("lifecycle" in ('PLANNED', 'ACTIVE', 'MAINTENANCE', 'DECOMMISSIONED')) not null default 'ACTIVE', "cluster_server" text null, "cluster_token_ciphertext" text null, "cluster_ca" text null, "cluster_namespace" varchar(63) not null default 'default', "cluster_insecure_skip_tls_verify" boolean not null default false, "repository_id" uuid null, "branch" varchar(255) null, "directory" text not null default '', "sync_interval_seconds" int not null default 0, "auto_apply" boolean not null default false, "prune" boolean not null default false, "self_heal" boolean not null default false, "connection_status" text check ("connection_status" in ('UNKNOWN', 'CONNECTED', 'UNREACHABLE', 'UNAUTHORIZED', 'ERROR')) not null default 'UNKNOWN', "connection_message" text null, "sync_status" text check ("sync_status" in ('NEVER_SYNCED', 'IN_SYNC', 'OUT_OF_SYNC', 'UNKNOWN')) not null default 'NEVER_SYNCED', "watch_status" text check ("watch_status" in ('INACTIVE', 'STARTING', 'ACTIVE', 'RECONNECTING', 'ERROR')) not null default 'INACTIVE', "watch_message" text null, "last_watch_event_at" timestamptz null, "synced_commit" varchar(64) null, "synced_tree" varchar(64) null, "kind_counts" jsonb not null, "cluster_generation" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "fabric_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "fabric" add constraint "fabric_name_unique" unique ("name");`);
    this.addSql(`create index "fabric_repository_id_index" on "fabric" ("repository_id");`);

    this.addSql(
      `create table "drift_report" ("id" uuid not null, "fabric_id" uuid not null, "operation_id" uuid null, "commit" varchar(64) null, "score" double precision not null default 0, "counts" jsonb not null, "created_at" timestamptz not null, constraint "drift_report_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "drift_report_fabric_id_created_at_index" on "drift_report" ("fabric_id", "created_at");`,
    );

    this.addSql(
      `create table "drift_difference" ("id" uuid not null, "report_id" uuid not null, "record_id" uuid null, "kind" varchar(63) not null, "namespace" varchar(63) not null, "name" varchar(253) not null, "drift_type" text check ("drift_type" in ('MISSING', 'ORPHANED', 'MODIFIED')) not null, "path" text not null default '', "desired" jsonb null, "live" jsonb null, "severity" text check ("severity" in ('LOW', 'MEDIUM', 'HIGH')) not null default 'MEDIUM', "position" int not null default 0, constraint "drift_difference_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "drift_difference_report_id_position_index" on "drift_difference" ("report_id", "position");`,
    );

    this.addSql(
      `create table "operation" ("id" uuid not null, "fabric_id" uuid not null, "type" text check ("type" in ('GIT_SYNC', 'APPLY', 'DRIFT_CHECK', 'RECONCILE')) not null, "trigger" text check ("trigger" in ('MANUAL', 'SCHEDULE', 'WEBHOOK', 'WATCH')) not null default 'MANUAL', "status" text check ("status" in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')) not null default 'QUEUED', "stages" jsonb not null, "commit" varchar(64) null, "errors" jsonb not null, "message" text null, "result" jsonb null, "dry_run" boolean not null default false, "requested_by" varchar(255) null, "cancel_requested" boolean not null default false, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, "heartbeat_at" timestamptz null, constraint "operation_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "operation_fabric_id_created_at_index" on "operation" ("fabric_id", "created_at");`,
    );
    this.addSql(
      `create index "operation_status_heartbeat_at_index" on "operation" ("status", "heartbeat_at");`,
    );

    this.addSql(
      `create table "record" ("id" uuid not null, "fabric_id" uuid not null, "kind" varchar(63) not null, "namespace" varchar(63) not null default 'default', "name" varchar(253) not null, "labels" jsonb not null, "annotations" jsonb not null, "spec" jsonb not null, "canonical_hash" varchar(64) not null, "source_file" text null, "source_document" int null, "source_line" int null, "source_commit" varchar(64) null, "state" text check ("state" in ('PENDING', 'APPLIED', 'IN_SYNC', 'DRIFTED', 'MISSING', 'ORPHANED', 'INVALID', 'ERROR')) not null default 'PENDING', "state_message" text null, "live_uid" varchar(64) null, "live_resource_version" varchar(64) null, "live_generation" int null, "live_hash" varchar(64) null, "live_seen_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "record_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "record_fabric_id_state_index" on "record" ("fabric_id", "state");`);
    this.addSql(
      `alter table "record" add constraint "record_fabric_id_kind_namespace_name_unique" unique ("fabric_id", "kind", "namespace", "name");`,
    );

    this.addSql(
      `create table "record_reference" ("id" uuid not null, "fabric_id" uuid not null, "source_id" uuid not null, "edge" varchar(63) not null, "field" text not null, "target_kind" varchar(63) not null, "target_name" varchar(253) not null, constraint "record_reference_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "record_reference_fabric_id_target_kind_target_name_index" on "record_reference" ("fabric_id", "target_kind", "target_name");`,
    );
    this.addSql(`create index "record_reference_source_id_index" on "record_reference" ("source_id");`);

    this.addSql(
      `alter table "fabric" add constraint "fabric_repository_id_foreign" foreign key ("repository_id") references "git_repository" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "drift_report" add constraint "drift_report_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "drift_difference" add constraint "drift_difference_report_id_foreign" foreign key ("report_id") references "drift_report" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "operation" add constraint "operation_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "record" add constraint "record_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "record_reference" add constraint "record_reference_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "record_reference" add constraint "record_reference_source_id_foreign" foreign key ("source_id") references "record" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "fabric" drop constraint "fabric_repository_id_foreign";`);

    this.addSql(`alter table "drift_report" drop constraint "drift_report_fabric_id_foreign";`);

    this.addSql(`alter table "operation" drop constraint "operation_fabric_id_foreign";`);

    this.addSql(`alter table "record" drop constraint "record_fabric_id_foreign";`);

    this.addSql(`alter table "record_reference" drop constraint "record_reference_fabric_id_foreign";`);

    this.addSql(`alter table "drift_difference" drop constraint "drift_difference_report_id_foreign";`);

    this.addSql(`alter table "record_reference" drop constraint "record_reference_source_id_foreign";`);

    this.addSql(`drop table if exists "api_token" cascade;`);

    this.addSql(`drop table if exists "git_repository" cascade;`);

    this.addSql(`drop table if exists "fabric" cascade;`);

    this.addSql(`drop table if exists "drift_report" cascade;`);

    this.addSql(`drop table if exists "drift_difference" cascade;`);

    this.addSql(`drop table if exists "operation" cascade;`);

    this.addSql(`drop table if exists "record" cascade;`);

    this.addSql(`drop table if exists "record_reference" cascade;`);
  }
}

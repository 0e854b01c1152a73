import { Migration } from '@mikro-orm/migrations';

/**
 * Every committed write to an application table notifies `fabric_sync_data_changed`, so each replica
 * learns that its cached GraphQL responses are out of date (src/store/data-changes.ts). Statement
 * triggers, not row triggers: a 10,000-row insert notifies once, and PostgreSQL folds identical
 * notifications of one transaction into one, sent at commit.
 */
export class Migration20261126193000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function fabric_sync_notify_data_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('fabric_sync_data_changed', '');
  return null;
end $$;`);
    for (const table of TABLES)
      this.addSql(
        `create trigger "${table}_data_changed" after insert or update or delete or truncate on "${table}" for each statement execute function fabric_sync_notify_data_changed();`,
      );
  }

  override async down(): Promise<void> {
    for (const table of TABLES) this.addSql(`drop trigger "${table}_data_changed" on "${table}";`);
    this.addSql('drop function fabric_sync_notify_data_changed();');
  }
}

const TABLES = [
  'api_token',
  'git_repository',
  'fabric',
  'drift_report',
  'drift_difference',
  'operation',
  'record',
  'record_reference',
];

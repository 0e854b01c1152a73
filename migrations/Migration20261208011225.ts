import { Migration } from '@mikro-orm/migrations';

/**
 * Operations store their first 1,000 errors and count them all (src/sync/stage.ts); an operation
 * stored before kept every error, so its count is its list's length.
 */
export class Migration20261208011225 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "operation" add column "error_count" int not null default 0;`);
    this.addSql(`update "operation" set "error_count" = jsonb_array_length("errors");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "operation" drop column "error_count";`);
  }
}

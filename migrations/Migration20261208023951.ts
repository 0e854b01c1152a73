import { Migration } from '@mikro-orm/migrations';

/** Per-fabric drift ignore rules (src/domain/drift-ignore.ts), the whole list as one jsonb value. */
export class Migration20261208023951 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "fabric" add column "drift_ignore" jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "fabric" drop column "drift_ignore";`);
  }
}

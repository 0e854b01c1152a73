import { Migration } from '@mikro-orm/migrations';

/** Suspending a fabric (suspendFabric, src/domain/suspension.ts): the flag and the operator's reason. */
export class Migration20261208022112 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "fabric" add column "suspended" boolean not null default false, add column "suspended_reason" text null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "fabric" drop column "suspended", drop column "suspended_reason";`);
  }
}

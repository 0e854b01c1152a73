import { Migration } from '@mikro-orm/migrations';

/**
 * Self-heal (src/sync/self-heal): an operation type of its own, and the reason a record is no longer
 * healed when another manager keeps changing it back.
 */
export class Migration20261208012513 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "operation" drop constraint if exists "operation_type_check";`);

    this.addSql(
      `alter table "operation" add constraint "operation_type_check" check("type" in ('GIT_SYNC', 'APPLY', 'DRIFT_CHECK', 'RECONCILE', 'SELF_HEAL'));`,
    );

    this.addSql(`alter table "record" add column "heal_stopped" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "operation" drop constraint if exists "operation_type_check";`);

    this.addSql(
      `alter table "operation" add constraint "operation_type_check" check("type" in ('GIT_SYNC', 'APPLY', 'DRIFT_CHECK', 'RECONCILE'));`,
    );

    this.addSql(`alter table "record" drop column "heal_stopped";`);
  }
}

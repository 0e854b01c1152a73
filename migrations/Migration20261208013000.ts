import { Migration } from '@mikro-orm/migrations';
import { OPERATION_TRANSITIONS } from '../src/domain/states.js';

/**
 * Fenced operations (src/sync/operation-fence.ts): `fabric.operation_epoch` is the fencing token,
 * taken anew with every take of the fabric's operation lock; and PostgreSQL refuses an operation
 * status change the state machine does not allow (FAILED → SUCCEEDED was possible when a replica
 * that had lost the lock finished its run). The allowed pairs come from src/domain/states.ts when
 * the migration runs, so the table is written once; a database migrated before a change to it keeps
 * the old pairs until a new migration replaces the function (test/sync/operation-transitions.test.ts
 * checks a fresh database against the table).
 */
export class Migration20261208013000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "fabric" add column "operation_epoch" int not null default 0;`);
    const allowed = OPERATION_TRANSITIONS.map(([from, to]) => `('${from}', '${to}')`).join(', ');
    this
      .addSql(`create function fabric_sync_operation_status_transition() returns trigger language plpgsql as $$
begin
  if (old.status, new.status) not in (${allowed}) then
    raise exception 'operation %: status % may not become %', old.id, old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end $$;`);
    this.addSql(
      `create trigger "operation_status_transition" before update of "status" on "operation" for each row when (old.status is distinct from new.status) execute function fabric_sync_operation_status_transition();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "operation_status_transition" on "operation";`);
    this.addSql('drop function fabric_sync_operation_status_transition();');
    this.addSql(`alter table "fabric" drop column "operation_epoch";`);
  }
}

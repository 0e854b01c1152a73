import { Migration } from '@mikro-orm/migrations';
import { OPERATION_TRANSITIONS } from '../src/domain/states.js';

/**
 * Fenced operations (src/sync/operation-fence.ts): `operation_lease.epoch` is the fencing token of
 * a fabric's operations, taken anew with every take of its operation lock (like every application
 * table it notifies its writes, Migration20261126193000); and PostgreSQL refuses an operation
 * status change the state machine does not allow (FAILED → SUCCEEDED was possible when a replica
 * that had lost the lock finished its run). The allowed pairs come from src/domain/states.ts when
 * the migration runs, so the table is written once; a database migrated before a change to it keeps
 * the old pairs until a new migration replaces the function (test/sync/operation-transitions.test.ts
 * checks a fresh database against the table).
 */
export class Migration20261208013000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "operation_lease" ("fabric_id" uuid not null, "epoch" int not null default 0, constraint "operation_lease_pkey" primary key ("fabric_id"));`,
    );
    this.addSql(
      `alter table "operation_lease" add constraint "operation_lease_fabric_id_foreign" foreign key ("fabric_id") references "fabric" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create trigger "operation_lease_data_changed" after insert or update or delete or truncate on "operation_lease" for each statement execute function fabric_sync_notify_data_changed();`,
    );
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
    this.addSql(`drop table if exists "operation_lease" cascade;`);
  }
}

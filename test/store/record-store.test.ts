// RecordStore.write keeps record_reference equal to the references of the records it writes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordKey, type DesiredRecord, type RecordPlan } from '../../src/domain/record-plan.js';
import { Fabric } from '../../src/store/entities/index.js';
import { RecordStore, type ReferenceRow } from '../../src/store/record-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const desired = (name: string, hash: string, line = 1): DesiredRecord => ({
  kind: 'VPCAttachment',
  namespace: 'default',
  name,
  labels: {},
  annotations: {},
  spec: { connection: `c-${hash}` },
  canonicalHash: hash,
  source: { file: 'a.yaml', documentIndex: 0, line, commit: 'c' },
});

const connectionRef = (record: DesiredRecord): ReferenceRow => ({
  sourceKey: recordKey(record),
  edge: 'attachmentConnection',
  field: 'spec.connection',
  targetKind: 'Connection',
  targetName: `c-${record.canonicalHash}`,
});

const plan = (changes: Partial<RecordPlan>): RecordPlan => ({
  creates: [],
  updates: [],
  moves: [],
  deletes: [],
  unchanged: 0,
  kindCounts: {},
  ...changes,
});

describe('RecordStore.write', () => {
  let db: TestDatabase;
  let store: RecordStore;
  let fabricId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new RecordStore(db.orm);
    fabricId = randomUUID();
    await db.orm.em
      .fork()
      .persist(Object.assign(new Fabric(), { id: fabricId, name: 'refs' }))
      .flush();
  });
  afterAll(() => db?.close());

  const targets = async () => {
    const rows: { name: string; target_name: string }[] = await db.orm.em
      .getConnection()
      .getKnex()('record_reference')
      .join('record', 'record.id', 'record_reference.source_id')
      .where('record_reference.fabric_id', fabricId)
      .select('record.name', 'record_reference.target_name')
      .orderBy(['record.name', 'record_reference.target_name']);
    return rows.map((r) => `${r.name} → ${r.target_name}`);
  };
  const write = (p: RecordPlan, references: ReferenceRow[]) =>
    store.write({ fabricId, plan: p, references, commit: 'c', tree: null });
  const existing = async (name: string) => (await store.loadExisting(fabricId)).find((r) => r.name === name)!;

  it('stores the references of created records, with nothing to delete first', async () => {
    const a = desired('a', '1');
    const b = desired('b', '1');
    db.resetQueryLog();
    await write(plan({ creates: [a, b] }), [connectionRef(a), connectionRef(b)]);
    expect(db.queries.filter((q) => /^delete from "record_reference"/.test(q))).toEqual([]);
    expect(await targets()).toEqual(['a → c-1', 'b → c-1']);
  });

  it('replaces the references of an updated record and keeps those of a moved one', async () => {
    const a = desired('a', '2');
    const b = desired('b', '1', 5);
    await write(
      plan({
        updates: [{ ...a, id: (await existing('a')).id }],
        moves: [{ ...b, id: (await existing('b')).id }],
      }),
      [connectionRef(a)],
    );
    expect(await targets()).toEqual(['a → c-2', 'b → c-1']);
  });

  it('drops the references of a deleted record with it', async () => {
    await write(plan({ deletes: [await existing('a')] }), []);
    expect(await targets()).toEqual(['b → c-1']);
  });
});

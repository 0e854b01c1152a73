/**
 * The apply stage's background state writes: in order, none after a failure, the failure surfaced;
 * they trail the waves by at most one, so a failed write stops the apply at the next wave and the
 * operation fails naming the database's error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/store/live-state-store.js';
import { StateWriter } from '../../src/sync/apply/state-writer.js';
import { generateFabric } from '../support/fixtures/index.js';
import { startSyncHarness, type SyncHarness } from './harness.js';
import { liveObjects } from './live.js';

const observation = (id: string): Observation => ({ id, state: 'APPLIED', message: null });

/** A write that finishes when the test says so. */
function gatedStore() {
  const written: string[] = [];
  const gates = new Map<string, () => void>();
  return {
    written,
    open: (id: string) => gates.get(id)!(),
    store: {
      async write(batch: readonly Observation[]) {
        const id = batch[0]!.id;
        await new Promise<void>((resolve) => gates.set(id, resolve));
        if (id === 'bad') throw new Error('database gone');
        written.push(id);
      },
    },
  };
}

/** Lets every promise that can settle now settle. */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('StateWriter', () => {
  it('writes queued batches one after the other, in the order they were queued', async () => {
    const written: string[] = [];
    let running = 0;
    const writer = new StateWriter({
      async write(batch) {
        running += 1;
        expect(running).toBe(1); // never two writes at once
        await new Promise((resolve) => setTimeout(resolve, batch[0]!.id === 'a' ? 20 : 0));
        written.push(...batch.map((o) => o.id));
        running -= 1;
      },
    });
    writer.write([observation('a')]);
    writer.write([]);
    writer.write([observation('b'), observation('c')]);
    await writer.settled();
    expect(written).toEqual(['a', 'b', 'c']);
  });

  it('stops after the first failed write and throws it from settled', async () => {
    const written: string[] = [];
    const writer = new StateWriter({
      async write(batch) {
        if (batch[0]!.id === 'bad') throw new Error('database gone');
        written.push(batch[0]!.id);
      },
    });
    writer.write([observation('a')]);
    writer.write([observation('bad')]);
    writer.write([observation('c')]);
    await expect(writer.settled()).rejects.toThrow('database gone');
    expect(written).toEqual(['a']);
  });

  it('caughtUp waits for every write but the newest, which goes on', async () => {
    const { store, written, open } = gatedStore();
    const writer = new StateWriter(store);
    writer.write([observation('a')]);
    writer.write([observation('b')]);
    let caughtUp = false;
    const waiting = writer.caughtUp().then(() => (caughtUp = true));
    await drain();
    expect(caughtUp).toBe(false); // a is still being written
    open('a');
    await waiting;
    await drain();
    expect(written).toEqual(['a']); // b is still being written
    open('b');
    await writer.settled();
    expect(written).toEqual(['a', 'b']);
  });

  it('caughtUp throws a failed write once the next write is queued', async () => {
    const { store, open } = gatedStore();
    const writer = new StateWriter(store);
    writer.write([observation('bad')]);
    await drain();
    writer.write([observation('c')]);
    const waiting = writer.caughtUp();
    open('bad');
    await expect(waiting).rejects.toThrow('database gone');
    await expect(writer.settled()).rejects.toThrow('database gone');
  });
});

describe('apply when the state writes fail', () => {
  let h: SyncHarness;
  const manifests = generateFabric();
  beforeAll(async () => {
    h = await startSyncHarness();
  }, 60_000);
  afterAll(() => h?.close());

  it('applies no wave after the one alongside the failed write, and fails naming the database error', async () => {
    const fabric = await h.createFabric({ name: 'east' });
    await h.seedRecords(fabric.id, manifests);
    // The first wave (the VLANNamespace) cannot be stored: a real database error, raised by PostgreSQL.
    const knex = h.db.orm.em.getConnection().getKnex();
    await knex.raw(`
      create function refuse_vlan_namespace() returns trigger language plpgsql as $$
      begin raise exception 'test refuses to store VLANNamespace state'; end $$;
      create trigger refuse_vlan_namespace before update on record
        for each row when (new.kind = 'VLANNamespace') execute function refuse_vlan_namespace();`);

    const op = await h.run(fabric.id, 'APPLY');

    expect(op.status).toBe('FAILED');
    expect(op.message).toContain('test refuses to store VLANNamespace state');
    const kinds = new Set([...(await liveObjects(h.api)).values()].map((o) => o.kind));
    // Wave 2 (IPv4Namespace) was applied while wave 1's states were being written; nothing after it.
    expect([...kinds].sort()).toEqual(['IPv4Namespace', 'VLANNamespace']);
    expect(new Set(manifests.map((m) => m.kind)).size).toBe(12); // there were ten more waves to stop
  });
});

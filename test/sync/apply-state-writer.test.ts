/** The apply stage's background state writes: in order, none after a failure, the failure surfaced. */
import { describe, expect, it } from 'vitest';
import { StateWriter } from '../../src/sync/apply/state-writer.js';
import type { Observation } from '../../src/store/live-state-store.js';

const observation = (id: string): Observation => ({ id, state: 'APPLIED', message: null });

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
});

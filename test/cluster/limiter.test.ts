/** Limiter: at most `max` tasks at once, and callers aborted while they wait never run. */
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/cluster/limiter.js';

describe('Limiter', () => {
  it('turns away every queued caller whose signal aborted, without running it, once a slot frees', async () => {
    const limiter = new Limiter(1);
    const apply = new AbortController();
    let finishHolder = () => undefined as void;
    const held = new Promise<void>((resolve) => (finishHolder = resolve));
    const holder = limiter.run(() => held);
    let ran = 0;
    const queued = Array.from({ length: 100 }, () => limiter.run(async () => void ran++, apply.signal));
    apply.abort(new Error('cancelled'));
    const unrelated = limiter.run(async () => 'ran');
    finishHolder();
    await holder;
    const outcomes = await Promise.allSettled(queued);
    expect(outcomes.every((o) => o.status === 'rejected' && String(o.reason).includes('cancelled'))).toBe(
      true,
    );
    expect(ran).toBe(0);
    expect(await unrelated).toBe('ran'); // the slot went on to the first caller still wanted
  });
});

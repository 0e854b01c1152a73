import { describe, expect, it } from 'vitest';
import { EventsExpiredError, InProcessBus, createEventBus } from '../../src/events/index.js';
import { busContract } from './bus-contract.js';
import { recordEvent, take, within } from './support.js';

busContract('InProcessBus', ({ historySize }) => new InProcessBus({ historySize }));

describe('InProcessBus', () => {
  it('forgets a scope idle for longer than its TTL, so resuming it asks for a resync', async () => {
    let now = 1_000_000;
    const bus = new InProcessBus({ scopeTtlMs: 60_000, now: () => now });
    const old = await bus.publish('operationProgress', 'op-1', {
      fabricId: 'fab-a',
      operationId: 'op-1',
      type: 'APPLY',
      status: 'SUCCEEDED',
      at: 'then',
    });
    now += 61_000;
    await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0')); // publishing sweeps idle scopes
    const resumed = bus.subscribe('operationProgress', 'op-1', { after: old.id });
    await expect(within(resumed.next(), 'expiry')).rejects.toBeInstanceOf(EventsExpiredError);
    await bus.close();
  });

  it('starts a recreated scope above every id of its earlier life', async () => {
    let now = 1_000_000;
    const bus = new InProcessBus({ scopeTtlMs: 60_000, now: () => now });
    const before = await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0'));
    now += 61_000;
    await bus.publish('recordEvents', 'fab-b', recordEvent('fab-b', 'sweep'));
    const after = await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r1'));
    expect(Number(after.id)).toBeGreaterThan(Number(before.id));
    await bus.close();
  });

  it('is what createEventBus builds without a Redis URL', async () => {
    const bus = createEventBus({ historySize: 3 });
    expect(bus).toBeInstanceOf(InProcessBus);
    const subscription = bus.subscribe('recordEvents', 'fab-a');
    await bus.publish('recordEvents', 'fab-a', recordEvent('fab-a', 'r0'));
    expect(await take(subscription, 1)).toHaveLength(1);
    await bus.close();
  });
});

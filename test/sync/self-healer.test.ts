/**
 * The self-heal trigger on its own: what it does when the start it asks for is refused. A
 * suspended fabric refuses every heal until resumeFabric, which is no failure to log as one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { fabricSuspended } from '../../src/domain/suspension.js';
import { SelfHealer } from '../../src/sync/self-heal/self-healer.js';

function healerRefusedWith(error: Error) {
  const log = pino({ level: 'silent' });
  const logged = { error: vi.spyOn(log, 'error'), debug: vi.spyOn(log, 'debug') };
  const start = vi.fn(() => Promise.reject(error));
  const healer = new SelfHealer('fabric-1', {
    operations: { start },
    history: { stopped: () => false },
    selfHeals: () => Promise.resolve(true),
    debounceMs: 5,
    log,
  });
  return { healer, start, logged };
}

describe('a self-heal whose start is refused', () => {
  it('logs a suspended fabric at debug, not as an error', async () => {
    const { healer, start, logged } = healerRefusedWith(fabricSuspended('east', 'SELF_HEAL', 'maintenance'));
    healer.notice(['record-1']);
    await vi.waitFor(() => expect(start).toHaveBeenCalledOnce());
    await sleep(5);
    expect(logged.error).not.toHaveBeenCalled();
    expect(logged.debug).toHaveBeenCalledWith(
      { fabricId: 'fabric-1' },
      'fabric suspended: self-heal not started',
    );
    healer.stop();
  });

  it('logs any other refusal as an error', async () => {
    const { healer, start, logged } = healerRefusedWith(new Error('database gone'));
    healer.notice(['record-1']);
    await vi.waitFor(() => expect(start).toHaveBeenCalledOnce());
    await vi.waitFor(() => expect(logged.error).toHaveBeenCalledOnce());
    healer.stop();
  });
});

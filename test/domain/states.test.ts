/** The lifecycle tables: a move is allowed exactly when the table lists it, asked or made. */
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../src/domain/errors.js';
import {
  FABRIC_WATCH,
  canTransitionWatch,
  isTerminal,
  transitionOperation,
  transitionWatch,
} from '../../src/domain/states.js';

describe('watch status transitions', () => {
  it('answers canTransitionWatch exactly as transitionWatch accepts or refuses', () => {
    for (const from of FABRIC_WATCH)
      for (const to of FABRIC_WATCH) {
        const allowed = canTransitionWatch(from, to);
        if (allowed) expect(transitionWatch(from, to)).toBe(to);
        else expect(() => transitionWatch(from, to)).toThrow(IllegalTransitionError);
      }
  });

  it('lets a failed watch recover only through a reconnection', () => {
    expect(canTransitionWatch('ERROR', 'ACTIVE')).toBe(false);
    expect(canTransitionWatch('ERROR', 'RECONNECTING')).toBe(true);
    expect(canTransitionWatch('RECONNECTING', 'ACTIVE')).toBe(true);
    expect(canTransitionWatch('INACTIVE', 'ACTIVE')).toBe(false);
  });
});

describe('operation status transitions', () => {
  it('ends at SUCCEEDED, FAILED or CANCELLED, which lead nowhere', () => {
    expect(['QUEUED', 'RUNNING'].map((s) => isTerminal(s as 'QUEUED'))).toEqual([false, false]);
    for (const end of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      expect(isTerminal(end)).toBe(true);
      expect(() => transitionOperation(end, 'RUNNING')).toThrow(IllegalTransitionError);
    }
  });
});

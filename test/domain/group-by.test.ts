/** groupBy keeps each group's values in order and leaves out values without a key. */
import { describe, expect, it } from 'vitest';
import { groupBy, pushTo } from '../../src/domain/group-by.js';

describe('groupBy', () => {
  it('groups in one pass, in order, without the values whose key is undefined', () => {
    const groups = groupBy(['ant', 'bee', 'ape', '', 'bat'], (w) => w[0]);
    expect([...groups]).toEqual([
      ['a', ['ant', 'ape']],
      ['b', ['bee', 'bat']],
    ]);
  });

  it('pushTo starts a list for a new key and appends to a known one', () => {
    const groups = new Map<string, number[]>();
    pushTo(groups, 'x', 1);
    pushTo(groups, 'x', 2);
    pushTo(groups, 'y', 3);
    expect(Object.fromEntries(groups)).toEqual({ x: [1, 2], y: [3] });
  });
});

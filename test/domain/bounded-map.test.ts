/** BoundedMap: at most `max` entries, the least recently used forgotten first. */
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/domain/bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the least recently used entry beyond its bound; a read counts as a use', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // b is now the least recently used
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
    expect(map.size).toBe(2);
  });

  it('keeps null values apart from absence, and replaces without growing', () => {
    const map = new BoundedMap<string, string | null>(2);
    map.set('none', null);
    expect(map.get('none')).toBeNull();
    expect(map.get('other')).toBeUndefined();
    map.set('none', 'x');
    map.set('none', 'y');
    expect([map.size, map.get('none')]).toEqual([1, 'y']);
  });

  it('deletes what a predicate picks, and refuses a bound below one', () => {
    const map = new BoundedMap<string, number>(5);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      map.set(k, v);
    map.deleteWhere((v) => v % 2 === 1);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([false, true, false]);
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });

  it('bounds the sum of weights when given a weigh function, forgetting the least recent first', () => {
    const map = new BoundedMap<string, string>(10, (text) => text.length);
    map.set('a', 'xxxx');
    map.set('b', 'xxxx');
    map.get('a'); // now b is the least recently used
    map.set('c', 'xxxx');
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
    expect(map.weight).toBe(8);
    map.set('a', 'x'); // replacing an entry replaces its weight
    expect(map.weight).toBe(5);
    map.deleteWhere((text) => text === 'x');
    expect(map.weight).toBe(4);
    map.clear();
    expect([map.size, map.weight]).toEqual([0, 0]);
  });
});

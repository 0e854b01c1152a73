/** ParseCache keeps each fabric's files and validator apart, and forgets both with the fabric. */
import { describe, expect, it } from 'vitest';
import { ParseCache } from '../../src/sync/git-sync/parse-cache.js';

describe('ParseCache', () => {
  it('gives each fabric a validator of its own, kept between syncs and dropped by forget', () => {
    const cache = new ParseCache();
    const a = cache.validatorOf('fabric-a');
    expect(cache.validatorOf('fabric-a')).toBe(a);
    expect(cache.validatorOf('fabric-b')).not.toBe(a);

    cache.replace(
      'fabric-a',
      new Map([['f.yaml', { oid: '1', manifests: [], errors: [], documentCount: 0 }]]),
    );
    cache.forget('fabric-a');
    expect(cache.filesOf('fabric-a').size).toBe(0);
    expect(cache.validatorOf('fabric-a')).not.toBe(a);
  });
});

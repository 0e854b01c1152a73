/** TLS contexts by CA: one per CA while it is in use, the least recently used dropped past the bound. */
import { describe, expect, it } from 'vitest';
import { TlsContexts } from '../../src/cluster/watch.js';
import { generateTls } from '../support/kube-apiserver/tls.js';

describe('TlsContexts', () => {
  it('hands out one context per CA and drops the least recently used past its bound', async () => {
    const [a, b, c] = await Promise.all([generateTls(), generateTls(), generateTls()]);
    const contexts = new TlsContexts(2);
    const first = contexts.forCa(a.caPem);
    expect(contexts.forCa(a.caPem)).toBe(first);
    expect(contexts.forCa(b.caPem)).not.toBe(first);
    contexts.forCa(a.caPem); // a is now the most recently used, b the least
    const fromB = contexts.forCa(b.caPem);
    contexts.forCa(c.caPem); // over the bound: a goes
    expect(contexts.forCa(b.caPem)).toBe(fromB);
    expect(contexts.forCa(a.caPem)).not.toBe(first);
  });

  it('uses the system CAs when the fabric names none', () => {
    const contexts = new TlsContexts();
    expect(contexts.forCa(null)).toBe(contexts.forCa(null));
  });
});

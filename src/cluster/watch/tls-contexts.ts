/**
 * TLS contexts by CA, for watch streams. Left to the agent, every connection builds its own: 100
 * fabrics × 12 kinds would hold 1,200 (about 20 MB) and build each at a cost. One instance is shared
 * by the watches of one replica; the least recently used CA is dropped past `max` (agents keep the
 * contexts they hold), so rotated CAs do not pile up.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { BoundedMap } from '../../domain/bounded-map.js';

export class TlsContexts {
  private readonly byCa: BoundedMap<string, SecureContext>;

  constructor(max = 64) {
    this.byCa = new BoundedMap(max);
  }

  /** The context trusting `caPem`, or the system's CAs when it is null. */
  forCa(caPem: string | null): SecureContext {
    const key = caPem ?? '';
    return this.byCa.get(key) ?? this.byCa.set(key, createSecureContext(caPem ? { ca: caPem } : {}));
  }
}

/**
 * TLS contexts by CA, for watch streams. Left to the agent, every connection builds its own: 100
 * fabrics × 12 kinds would hold 1,200 (about 20 MB) and build each at a cost. One instance is shared
 * by the watches of one replica; the least recently used CA is dropped past `max` (agents keep the
 * contexts they hold), so rotated CAs do not pile up.
 */
import { createSecureContext, type SecureContext } from 'node:tls';

export class TlsContexts {
  private readonly byCa = new Map<string, SecureContext>();

  constructor(private readonly max = 64) {}

  /** The context trusting `caPem`, or the system's CAs when it is null. */
  forCa(caPem: string | null): SecureContext {
    const key = caPem ?? '';
    let context = this.byCa.get(key);
    if (context)
      this.byCa.delete(key); // re-added below as the most recently used
    else {
      context = createSecureContext(caPem ? { ca: caPem } : {});
      if (this.byCa.size >= this.max) this.byCa.delete(this.byCa.keys().next().value!);
    }
    this.byCa.set(key, context);
    return context;
  }
}

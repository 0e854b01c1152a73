/**
 * One ClusterClient per fabric, cached by fabric id and cluster generation: a settings change bumps
 * the generation, so the next call builds a new client. No two fabrics ever share one.
 */
import { ClusterClient, type ClusterClientOptions } from './cluster-client.js';
import type { ClusterSettings } from './settings.js';

interface Cached {
  readonly generation: number;
  readonly client: ClusterClient;
}

export class ClusterClients {
  private readonly clients = new Map<string, Cached>();

  constructor(private readonly options: ClusterClientOptions = {}) {}

  /** `settings` is only called when a client must be built (it may open sealed secrets). */
  get(fabricId: string, generation: number, settings: () => ClusterSettings): ClusterClient {
    const cached = this.clients.get(fabricId);
    if (cached?.generation === generation) return cached.client;
    cached?.client.close();
    const client = new ClusterClient(settings(), this.options);
    this.clients.set(fabricId, { generation, client });
    return client;
  }

  /** Forgets a deleted fabric's client. */
  evict(fabricId: string): void {
    this.clients.get(fabricId)?.client.close();
    this.clients.delete(fabricId);
  }

  close(): void {
    for (const id of [...this.clients.keys()]) this.evict(id);
  }
}

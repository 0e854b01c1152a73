/**
 * What one kind's watch remembers of each live object: identity, resourceVersion and labels, enough
 * to tell after a relist which objects were added, changed or deleted while the watch was away.
 */
import { formatRef } from '../../domain/kinds.js';
import type { Manifest } from '../../domain/manifest.js';
import { refOf } from '../live-set.js';

export const WATCH_EVENT_TYPES = ['ADDED', 'MODIFIED', 'DELETED'] as const;
export type WatchEventType = (typeof WATCH_EVENT_TYPES)[number];

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object as the server sent it; for a deletion seen only by a relist, the remembered stub. */
  readonly object: Manifest;
}

const keyOf = (m: Manifest) => formatRef(refOf(m));

export const versionOf = (m: Manifest): string | undefined => {
  const version = m.metadata['resourceVersion'];
  return typeof version === 'string' ? version : undefined;
};

/** Only what a deletion event needs: spec and status stay out, so the cache stays small. */
function stubOf(m: Manifest, resourceVersion = versionOf(m)): Manifest {
  const { name, namespace, uid, labels } = m.metadata;
  return {
    apiVersion: m.apiVersion,
    kind: m.kind,
    metadata: { name, namespace, uid, resourceVersion, ...(labels ? { labels } : {}) },
  };
}

export class ObjectCache {
  private byKey = new Map<string, Manifest>();

  /** `seed`: objects known from an earlier run, so a restart reports only what changed since. */
  constructor(seed: readonly Manifest[] = []) {
    for (const object of seed) this.byKey.set(keyOf(object), stubOf(object));
  }

  remember(event: WatchEvent): void {
    if (event.type === 'DELETED') this.byKey.delete(keyOf(event.object));
    else this.byKey.set(keyOf(event.object), stubOf(event.object));
  }

  /**
   * Replaces the content with a fresh list taken at `listVersion` and returns the events that turn
   * the old content into the new, deletions carrying the list's version as their own.
   */
  replace(objects: readonly Manifest[], listVersion: string): WatchEvent[] {
    const next = new Map<string, Manifest>();
    const events: WatchEvent[] = [];
    for (const object of objects) {
      const key = keyOf(object);
      const known = this.byKey.get(key);
      next.set(key, stubOf(object));
      if (!known) events.push({ type: 'ADDED', object });
      else if (versionOf(known) !== versionOf(object)) events.push({ type: 'MODIFIED', object });
    }
    for (const [key, known] of this.byKey)
      if (!next.has(key)) events.push({ type: 'DELETED', object: stubOf(known, listVersion) });
    this.byKey = next;
    return events;
  }
}

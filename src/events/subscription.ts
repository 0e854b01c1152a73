/**
 * One subscriber's view of one (topic, scope): an async iterator over a bounded queue that joins a
 * replay from history with live events at a seam without gap or duplicate (live first, held while
 * the replay loads, then de-duplicated by id). It never buffers without bound.
 */
import { SlowConsumerError } from './errors.js';
import type { EventSubscription } from './event-bus.js';
import type { Envelope, TopicName } from './topics.js';

/** What a bus feed delivers to. `deliver` is called in id order for one (topic, scope). */
export interface Listener {
  deliver(envelope: Envelope): void;
  fail(error: Error): void;
  end(): void;
}

export interface SubscriptionOptions {
  readonly topic: TopicName;
  readonly scopeId: string;
  readonly bufferSize: number;
  readonly signal?: AbortSignal | undefined;
  /** Called once, however the subscription ends: the bus unregisters the listener here. */
  readonly onEnd: () => void;
}

type Taker<T extends TopicName> = {
  resolve: (result: IteratorResult<Envelope<T>>) => void;
  reject: (error: Error) => void;
};

const DONE = { done: true, value: undefined } as const;

export class Subscription<T extends TopicName> implements EventSubscription<T>, Listener {
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private readonly queue: Envelope<T>[] = [];
  private readonly takers: Taker<T>[] = [];
  /** Live events that arrive before the replay is in; undefined once live. */
  private held: Envelope<T>[] | undefined = [];
  private lastId = -1;
  /** Replayed events still queued: they are admitted on top of `bufferSize`. */
  private replayBacklog = 0;
  private failure: Error | undefined;
  private ended = false;
  private readonly abort = () => void this.return();

  constructor(private readonly options: SubscriptionOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    // Aborted before it began: nothing is registered yet, so there is nothing to call `onEnd` for.
    if (options.signal?.aborted) {
      this.ended = true;
      this.markReady();
    } else options.signal?.addEventListener('abort', this.abort, { once: true });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts live delivery after replaying `replay` (the kept events after `after`, in order). */
  begin(replay: readonly Envelope[], after?: number): void {
    if (this.ended) return;
    const held = this.held ?? [];
    this.held = undefined;
    if (after !== undefined) this.lastId = after;
    replay.forEach((envelope) => this.enqueue(envelope as Envelope<T>));
    this.replayBacklog = this.queue.length;
    held.forEach((envelope) => this.enqueue(envelope));
    this.checkBound();
    this.markReady();
  }

  deliver(envelope: Envelope): void {
    if (this.ended) return;
    if (this.held) this.held.push(envelope as Envelope<T>);
    else this.enqueue(envelope as Envelope<T>);
    this.checkBound();
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.queue.length = 0;
    const taker = this.takers.shift();
    if (taker) taker.reject(error);
    else this.failure = error;
    this.finish();
  }

  /** Ends normally: events already queued can still be taken. */
  end(): void {
    if (!this.ended) this.finish();
  }

  next(): Promise<IteratorResult<Envelope<T>>> {
    const envelope = this.queue.shift();
    if (envelope) {
      if (this.replayBacklog > 0) this.replayBacklog--;
      return Promise.resolve({ done: false, value: envelope });
    }
    const failure = this.failure;
    this.failure = undefined;
    if (failure) return Promise.reject(failure);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<Envelope<T>>> {
    this.queue.length = 0;
    this.failure = undefined;
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private enqueue(envelope: Envelope<T>): void {
    const id = Number(envelope.id);
    if (id <= this.lastId) return; // already replayed: the seam overlaps by design
    this.lastId = id;
    const taker = this.takers.shift();
    if (taker) taker.resolve({ done: false, value: envelope });
    else this.queue.push(envelope);
  }

  private checkBound(): void {
    const { topic, scopeId, bufferSize } = this.options;
    const waiting = (this.held?.length ?? 0) + this.queue.length - this.replayBacklog;
    if (waiting > bufferSize) this.fail(new SlowConsumerError(topic, scopeId, bufferSize));
  }

  private finish(): void {
    this.ended = true;
    this.held = undefined;
    for (const taker of this.takers.splice(0)) taker.resolve(DONE);
    this.options.signal?.removeEventListener('abort', this.abort);
    this.markReady();
    this.options.onEnd();
  }
}

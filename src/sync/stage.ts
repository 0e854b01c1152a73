/** A pipeline is a list of named stages with one signature (style.md §4, example 7). */
import type { StageName } from '../domain/states.js';
import { MAX_STORED_ERRORS, type OperationErrorEntry } from '../store/entities/index.js';

export interface StageResult {
  readonly counts?: Readonly<Record<string, number>>;
  readonly message?: string;
  /** The work is done early (e.g. nothing changed in Git): later stages are SKIPPED, the operation SUCCEEDS. */
  readonly finishEarly?: boolean;
}

export interface Stage<C> {
  readonly name: StageName;
  readonly run: (ctx: C, signal: AbortSignal) => Promise<StageResult>;
}

/**
 * The operation cannot succeed with this input (invalid YAML, a refused credential, …). Counts
 * every problem found, so one run reports them all, and keeps the first MAX_STORED_ERRORS: a
 * commit of 100,000 broken documents must not become 100,000 stored and published errors.
 */
export class OperationFailure extends Error {
  readonly errors: readonly OperationErrorEntry[];
  readonly errorCount: number;

  constructor(message: string, errors: readonly OperationErrorEntry[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'OperationFailure';
    this.errors = errors.slice(0, MAX_STORED_ERRORS);
    this.errorCount = errors.length;
  }
}

/**
 * Thrown at a safe point after cancelOperation, or when the server shuts down (then it is the
 * signal's reason, saying so); the runner ends the operation CANCELLED with its message.
 */
export class OperationCancelled extends Error {
  constructor(message = 'cancelled on request') {
    super(message);
    this.name = 'OperationCancelled';
  }
}

/** A stage that needs what an earlier stage set fails loudly if the order was ever wrong. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} missing; stage order is wrong`);
  return value;
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof OperationCancelled ? signal.reason : new OperationCancelled();
}

/** A pipeline is a list of named stages with one signature (style.md §4, example 7). */
import type { StageName } from '../domain/states.js';
import type { OperationErrorEntry } from '../store/entities/index.js';

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
 * The operation cannot succeed with this input (invalid YAML, a refused credential, …). Carries
 * every problem found, so one run reports them all.
 */
export class OperationFailure extends Error {
  constructor(
    message: string,
    readonly errors: readonly OperationErrorEntry[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OperationFailure';
  }
}

/** Thrown at a safe point after cancelOperation; the runner ends the operation CANCELLED. */
export class OperationCancelled extends Error {
  constructor() {
    super('cancelled on request');
    this.name = 'OperationCancelled';
  }
}

/** A stage that needs what an earlier stage set fails loudly if the order was ever wrong. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} missing; stage order is wrong`);
  return value;
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new OperationCancelled();
}

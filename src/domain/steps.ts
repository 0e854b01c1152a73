/**
 * Long synchronous work written as a generator that yields between its units (a YAML document,
 * an object to validate), so a caller on a server can give the event loop a turn between them
 * (sync/pacer.ts) while a caller with nothing else to do runs it straight through.
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps to their end without pausing. */
export function completed<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

import type { DestinationStream, LogFn, LoggerOptions } from 'pino';
import type { Redactor } from './redactor.js';

/**
 * Two layers that send every pino log line through the redactor; use both:
 *
 * ```ts
 * const log = pino({ level, ...redactingPinoOptions(redactor) }, redactingDestination(redactor, pino.destination(1)));
 * ```
 *
 * - redactingPinoOptions: the `logMethod` hook redacts the message, printf-style arguments, the
 *   merged object and errors before serializers run, with the structured rules of redactDeep
 *   (string values under keys like `password` or `token` are blanked whole).
 * - redactingDestination: redacts each finished line of text, which also covers what the hook
 *   never sees: child-logger bindings (pino serializes them once, at `child()`), and anything a
 *   serializer adds. Key names are not visible there, only known secrets and secret shapes.
 */
export function redactingPinoOptions(redactor: Redactor): Pick<LoggerOptions, 'hooks'> {
  return {
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg: unknown) => redactor.redactDeep(arg)) as Parameters<LogFn>;
        method.apply(this, redacted);
      },
    },
  };
}

interface FlushableStream extends DestinationStream {
  flush?(callback?: (err?: Error) => void): void;
  flushSync?(): void;
  end?(): void;
}

/** Wraps a destination (a stream or `pino.destination()`); flush and end are passed through. */
export function redactingDestination(redactor: Redactor, destination: FlushableStream): FlushableStream {
  return {
    write: (line: string) => destination.write(redactor.redact(line)),
    ...(destination.flush && { flush: destination.flush.bind(destination) }),
    ...(destination.flushSync && { flushSync: destination.flushSync.bind(destination) }),
    ...(destination.end && { end: destination.end.bind(destination) }),
  };
}

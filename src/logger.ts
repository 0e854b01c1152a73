/** Structured JSON logs (pino), human-readable with LOG_FORMAT=pretty; every line passes the redactor. */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';
import { redactingDestination, redactingPinoOptions } from './security/pino-redaction.js';
import type { Redactor } from './security/redactor.js';

export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  redactor: Redactor,
  destination?: pino.DestinationStream,
): Logger {
  const sink =
    destination ??
    (config.logFormat === 'pretty'
      ? pretty({ colorize: true, ignore: 'pid,hostname,service' })
      : pino.destination(1));
  return pino(
    { level: config.logLevel, base: { service: 'fabric-sync' }, ...redactingPinoOptions(redactor) },
    redactingDestination(redactor, sink),
  );
}

/**
 * What the process does on SIGTERM or SIGINT: closes the app (operations cancelled with the signal's
 * name) and exits 0, or exits 1 when closing fails or outlasts its deadline.
 */
import type { Logger } from 'pino';

export interface Closable {
  readonly log: Logger;
  close(reason: string): Promise<void>;
}

export function closeOnSignals(app: Closable, shutdownSeconds: number): void {
  const stop = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    // Kubernetes SIGKILLs after its grace period (30 s by default): exit first, saying so.
    setTimeout(() => {
      app.log.error({ signal, seconds: shutdownSeconds }, 'shutdown did not finish in time');
      process.exit(1);
    }, shutdownSeconds * 1000).unref();
    app.close(`the server is shutting down (${signal})`).then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

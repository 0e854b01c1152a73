/** A real HTTP receiver on 127.0.0.1: records each notification and answers as scripted. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Status codes for the next requests, in order; 200 once they run out. */
  answer(...statuses: number[]): void;
  /** Holds every answer until release() (a receiver that hangs). */
  hold(): void;
  release(): void;
  /** Resolves with the `count`-th request (1-based) once it has arrived. */
  nth(count: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const waiters: { count: number; resolve: (r: Received) => void }[] = [];
  let held: (() => void)[] | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      for (const w of waiters.filter((w) => w.count === received.length)) w.resolve(entry);
      const respond = () => res.writeHead(statuses.shift() ?? 200).end();
      if (held) held.push(respond);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer: (...codes) => statuses.push(...codes),
    hold: () => {
      held = [];
    },
    release: () => {
      const pending = held ?? [];
      held = null;
      pending.forEach((respond) => respond());
    },
    nth: (count) =>
      received[count - 1]
        ? Promise.resolve(received[count - 1]!)
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

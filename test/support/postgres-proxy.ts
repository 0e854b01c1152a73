/**
 * A TCP proxy in front of a PostgreSQL server, for the ways a database connection misbehaves without
 * closing: it can freeze the connection that LISTENs (a dropped NAT mapping, a failover, as seen by
 * a client that sends nothing) or swallow every notification (a pooler in transaction mode); and
 * end every connection at once (a failover).
 */
import {
  connect,
  createServer,
  type AddressInfo,
  type NetConnectOpts,
  type Server,
  type Socket,
} from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** Where the server listens: a TCP address, or (the embedded server) a unix socket in its directory. */
function serverAddress(target: URL): NetConnectOpts {
  const host = decodeURIComponent(target.hostname);
  const port = target.port || '5432';
  return host.startsWith('/') ? { path: `${host}/.s.PGSQL.${port}` } : { host, port: Number(port) };
}

/** NotificationResponse: type byte 'A'. Every backend message is type, int32 length, body. */
const NOTIFICATION = 0x41;

/** The server's messages minus its notifications. */
function withoutNotifications(): Transform {
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      pending = Buffer.concat([pending, chunk]);
      const kept: Buffer[] = [];
      while (pending.length >= 5 && pending.length >= 1 + pending.readUInt32BE(1)) {
        const size = 1 + pending.readUInt32BE(1);
        if (pending[0] !== NOTIFICATION) kept.push(pending.subarray(0, size));
        pending = pending.subarray(size);
      }
      done(null, Buffer.concat(kept));
    },
  });
}

export interface PostgresProxy {
  /** `target` with the proxy's address. */
  readonly url: string;
  /** Stops forwarding on the connections that sent LISTEN; neither side is told. How many. */
  freezeListener(): number;
  /** Ends every connection at once, as a failover does; a client learns it when it next reads. How many. */
  cutAll(): number;
  close(): Promise<void>;
}

export async function startPostgresProxy(
  targetUrl: string,
  { dropNotifications = false }: { dropNotifications?: boolean } = {},
): Promise<PostgresProxy> {
  const target = new URL(targetUrl);
  const pairs: { client: Socket; upstream: Socket; listens: boolean }[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(serverAddress(target));
    const pair = { client, upstream, listens: false };
    pairs.push(pair);
    client.on('data', (chunk) => {
      if (chunk.includes('listen ')) pair.listens = true;
    });
    client.pipe(upstream);
    (dropNotifications ? upstream.pipe(withoutNotifications()) : upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    freezeListener() {
      const frozen = pairs.filter((p) => p.listens);
      for (const { client, upstream } of frozen) {
        client.unpipe(upstream);
        upstream.unpipe();
        client.pause();
        upstream.pause();
      }
      return frozen.length;
    },
    cutAll() {
      const cut = pairs.splice(0);
      cut.forEach(({ client, upstream }) => (client.destroy(), upstream.destroy()));
      return cut.length;
    },
    async close() {
      pairs.forEach(({ client, upstream }) => (client.destroy(), upstream.destroy()));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The TLS listener, stoppable and restartable on the same port (connections refused meanwhile). It
 * offers HTTP/2 by ALPN as a real kube-apiserver does (kubectl and Go clients pick h2) and keeps
 * HTTP/1.1 for the others (client-node, curl --http1.1).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import type { TlsMaterial } from './tls.js';

export type Request = IncomingMessage | Http2ServerRequest;
export type Response = ServerResponse | Http2ServerResponse;

export class HttpsListener {
  private server: Http2SecureServer | undefined;
  private readonly sockets = new Set<Socket>();
  port: number;
  /** HTTP/2 sessions opened since the listener was made (HTTP/1.1 connections are not counted). */
  http2Sessions = 0;

  constructor(
    private readonly tls: TlsMaterial,
    private readonly handler: (req: Request, res: Response) => void,
    private readonly host: string,
    port: number,
  ) {
    this.port = port;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createSecureServer(
      { key: this.tls.keyPem, cert: this.tls.certPem, allowHTTP1: true },
      this.handler,
    );
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('session', () => (this.http2Sessions += 1));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  /** Closes the port and cuts every open connection, watches included. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}

/** The HTTPS listener, stoppable and restartable on the same port (connections refused meanwhile). */
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TlsMaterial } from './tls.js';

export class HttpsListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port: number;

  constructor(
    private readonly tls: TlsMaterial,
    private readonly handler: (req: IncomingMessage, res: ServerResponse) => void,
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
    const server = createServer({ key: this.tls.keyPem, cert: this.tls.certPem }, this.handler);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
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

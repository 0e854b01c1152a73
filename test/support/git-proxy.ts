/**
 * An HTTP proxy in front of the test Git server: it records every request that passes (and whether
 * it carried credentials), can answer in the server's place (a redirect, a 401 as if the
 * credentials were revoked), and can stop listening and start again on the same port.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAnswer = 'forward' | 'redirect' | 'revoked';

export async function startGitProxy(target: string) {
  const requests: string[] = [];
  let connections = 0;
  let answer: ProxyAnswer = 'forward';
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ? 'with' : 'without'} credentials`);
    if (answer === 'redirect') return void res.writeHead(302, { location: `${target}${req.url}` }).end();
    if (answer === 'revoked')
      return void res
        .writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' })
        .end('credentials revoked\n');
    const upstream = request(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    answerWith: (next: ProxyAnswer) => void (answer = next),
    /** Stops listening (the remote becomes unreachable); `start` listens again on the same port. */
    stop,
    start: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: stop,
  };
}

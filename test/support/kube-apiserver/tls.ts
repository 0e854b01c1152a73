/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const SERVER_EXTENSIONS = [
  'subjectAltName=IP:127.0.0.1,DNS:localhost',
  'extendedKeyUsage=serverAuth',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'basicConstraints=CA:FALSE',
].join('\n');

export async function generateTls(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-kube-tls-'));
  const at = (file: string) => join(dir, file);
  try {
    await run('openssl', [
      ...['req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '3650'],
      ...['-subj', '/CN=fake-kube-apiserver-ca', '-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
    await run('openssl', [
      'req',
      ...EC_KEY,
      '-keyout',
      at('server.key'),
      '-out',
      at('server.csr'),
      '-subj',
      '/CN=kube-apiserver',
    ]);
    await writeFile(at('ext.cnf'), SERVER_EXTENSIONS);
    await run('openssl', [
      ...[
        'x509',
        '-req',
        '-in',
        at('server.csr'),
        '-CA',
        at('ca.crt'),
        '-CAkey',
        at('ca.key'),
        '-CAcreateserial',
      ],
      ...['-out', at('server.crt'), '-days', '365', '-extfile', at('ext.cnf')],
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.crt', 'server.crt', 'server.key'].map((f) => readFile(at(f), 'utf8')),
    );
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A throwaway sshd on a free high port that serves the git server's repositories over SSH with
 * key authentication only, plus a known_hosts file for its host key. Needs Debian's
 * openssh-server (`/usr/sbin/sshd`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const SSHD = '/usr/sbin/sshd';

/** Throws a clear message when openssh-server is not installed (a prerequisite of the SSH tests, like git). */
export function requireSsh(): void {
  if (!existsSync(SSHD) || !existsSync('/usr/bin/ssh-keygen')) {
    throw new Error('SSH tests need openssh-server and openssh-client: apt-get install -y openssh-server');
  }
}

export interface SshServer {
  readonly port: number;
  readonly user: string;
  /** known_hosts with this server's host key. */
  readonly knownHostsFile: string;
  /** A private key the server accepts. */
  readonly clientKey: string;
  /** A private key the server does not accept. */
  readonly strangerKey: string;
  /** ssh:// URL of a bare repository at this absolute path. */
  urlFor(bareRepoPath: string): string;
  close(): Promise<void>;
}

export async function startSshServer(): Promise<SshServer> {
  requireSsh();
  const dir = await mkdtemp(join(tmpdir(), 'sshd-'));
  const hostKey = await keygen(dir, 'host');
  const clientKey = await keygen(dir, 'client');
  const strangerKey = await keygen(dir, 'stranger');
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`, 'utf8'), { mode: 0o600 });
  const port = await freePort();
  await writeFile(join(dir, 'sshd_config'), sshdConfig(dir, port, hostKey));
  const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await listening(sshd);
  const user = userInfo().username;
  return {
    port,
    user,
    knownHostsFile,
    clientKey: await readFile(clientKey, 'utf8'),
    strangerKey: await readFile(strangerKey, 'utf8'),
    urlFor: (path) => `ssh://${user}@127.0.0.1:${port}${path}`,
    close: async () => {
      const exited = new Promise((resolve) => sshd.once('exit', resolve));
      sshd.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const sshdConfig = (dir: string, port: number, hostKey: string) =>
  [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'PidFile none',
    '',
  ].join('\n');

async function keygen(dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@fabric-sync-test`, '-f', file]);
  return file;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr}`))));
  });
}

/** sshd -e logs "Server listening on …" once the socket is bound. */
function listening(sshd: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
    sshd.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    sshd.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}: ${log}`));
    });
  });
}

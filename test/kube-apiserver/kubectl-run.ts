/** Runs the real kubectl against a test server, with its own kubeconfig and a fresh cache dir. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeApiServer } from '../support/kube-apiserver/index.js';
import { Collector } from './harness.js';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class Kubectl {
  private constructor(
    private readonly dir: string,
    private readonly base: string[],
  ) {}

  /** `token`: whose kubeconfig (default the admin's). */
  static async forServer(kube: KubeApiServer, { token }: { token?: string } = {}): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'kubectl-'));
    await kube.writeKubeconfig(join(dir, 'kubeconfig'), token ? { token } : {});
    return new Kubectl(dir, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')]);
  }

  /** One command; rejects if it has not finished within `timeoutMs`. */
  run(
    args: string[],
    { input, timeoutMs = 30_000 }: { input?: string; timeoutMs?: number } = {},
  ): Promise<KubectlResult> {
    const child = this.spawn(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin?.end(input);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kubectl ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** A long-running command (get -w); its stdout lines go to the returned collector. */
  stream(args: string[]): { lines: Collector<string>; stop: () => void; process: ChildProcess } {
    const child = this.spawn(args);
    const lines = new Collector<string>();
    let partial = '';
    child.stdout?.on('data', (c: Buffer) => {
      const parts = (partial + c.toString()).split('\n');
      partial = parts.pop() ?? '';
      parts.filter((l) => l.trim() !== '').forEach(lines.push);
    });
    child.stdin?.end();
    return { lines, stop: () => child.kill('SIGTERM'), process: child };
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private spawn(args: string[]): ChildProcess {
    return spawn(KUBECTL, [...this.base, ...args], {
      env: { ...process.env, HOME: this.dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
}

/**
 * Issue 16's amplified commit — one 70 KB blob of 10,000 empty mappings under many paths — and
 * how fast the server's /healthz answers meanwhile: shared by test/e2e-scale/amplified-commit.test.ts
 * and bench/amplified-sync.ts.
 */
import type { FileMap } from './git-server.js';

export const EMPTY_DOCUMENTS = '---\n{}\n'.repeat(10_000);

/** EMPTY_DOCUMENTS under `copies` paths of `dir`: 10,000 documents each, one blob in Git. */
export const sameBlobIn = (dir: string, copies: number): FileMap =>
  Object.fromEntries(Array.from({ length: copies }, (_, i) => [`${dir}/copy-${i}.yaml`, EMPTY_DOCUMENTS]));

/** Milliseconds of each /healthz answer, one request every `pollMs`, until `ended` settles. */
export async function healthLatencies(
  baseUrl: string,
  ended: Promise<unknown>,
  pollMs = 10,
): Promise<number[]> {
  let running = true;
  void ended.finally(() => (running = false));
  const samples: number[] = [];
  while (running) {
    const start = performance.now();
    const response = await fetch(`${baseUrl}/healthz`);
    await response.arrayBuffer();
    samples.push(performance.now() - start);
    if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return samples;
}

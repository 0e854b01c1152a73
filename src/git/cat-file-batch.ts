/**
 * Reads many blobs through one `git cat-file --batch` process, streamed: objects are yielded as
 * they arrive, in request order, with backpressure; stopping early kills the process.
 */
import type { RepoGit } from './repo-git.js';

export interface Blob {
  readonly oid: string;
  readonly content: Buffer;
}

export async function* catFileBatch(git: RepoGit, oids: readonly string[]): AsyncGenerator<Blob> {
  if (oids.length === 0) return;
  const parser = new BatchParser();
  let received = 0;
  for await (const chunk of git.stdout(['cat-file', '--batch'], `${oids.join('\n')}\n`)) {
    for (const blob of parser.push(chunk)) {
      received++;
      yield blob;
    }
  }
  if (received !== oids.length)
    throw new Error(`git cat-file returned ${received} of ${oids.length} objects`);
}

/**
 * The batch format: `<oid> <type> <size>\n<content>\n` per object, or `<oid> missing\n`.
 * Chunks are gathered until an object is complete, so a large blob is copied once.
 */
class BatchParser {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private header: { oid: string; size: number } | undefined;

  *push(chunk: Buffer): Generator<Blob> {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (!this.header && !this.readHeader()) return;
      const { oid, size } = this.header!;
      if (this.buffered < size + 1) return;
      const all = this.take();
      this.header = undefined;
      this.keep(all.subarray(size + 1));
      yield { oid, content: all.subarray(0, size) };
    }
  }

  private readHeader(): boolean {
    const all = this.take();
    const end = all.indexOf(0x0a);
    if (end === -1) {
      this.keep(all);
      return false;
    }
    const [oid = '', type = '', size = ''] = all.subarray(0, end).toString('utf8').split(' ');
    if (type === 'missing' || !/^\d+$/.test(size))
      throw new Error(`git cat-file: object ${oid} ${type || 'unreadable'}`);
    this.header = { oid, size: Number(size) };
    this.keep(all.subarray(end + 1));
    return true;
  }

  private take(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.buffered = 0;
    return all;
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.chunks = [rest];
    this.buffered = rest.length;
  }
}

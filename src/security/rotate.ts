import type { SecretBox } from './secret-box.js';

export interface StoredSecret {
  /** The row (or row + column) this ciphertext belongs to; named in errors. */
  readonly id: string;
  readonly ciphertext: string;
  /** The AAD it was encrypted with, e.g. `fabric:<id>:token`. */
  readonly aad: string;
}

export interface RotationResult {
  /** Only the secrets that changed: write these back. */
  readonly rotated: StoredSecret[];
  /** Already encrypted with the current key. */
  readonly unchanged: number;
}

/**
 * Re-encrypts with the current (first) key every secret made by an older key. All or nothing:
 * the first secret that cannot be decrypted throws, naming its id and key id, before anything is
 * returned, so the caller's transaction writes either every rotated secret or none.
 */
export function rotateAll(items: readonly StoredSecret[], box: SecretBox): RotationResult {
  const rotated: StoredSecret[] = [];
  for (const item of items) {
    try {
      if (!box.isCurrent(item.ciphertext))
        rotated.push({ ...item, ciphertext: box.rotate(item.ciphertext, item.aad) });
    } catch (err) {
      throw new Error(`cannot rotate secret ${item.id}: ${(err as Error).message}`, { cause: err });
    }
  }
  return { rotated, unchanged: items.length - rotated.length };
}

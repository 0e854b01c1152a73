/**
 * Where stored credentials are sealed and opened. Every plaintext that passes through is handed to
 * the redactor, so whatever later echoes it (git stderr, an API error, a log line) is scrubbed.
 */
import type { Redactor } from './redactor.js';
import type { SecretBox } from './secret-box.js';

/** Additional authenticated data binds each ciphertext to its row and column: a swapped ciphertext fails to open. */
export const SECRET_SLOTS = {
  repositoryCredential: (id: string) => `git_repository:${id}:credential`,
  repositoryWebhookSecret: (id: string) => `git_repository:${id}:webhook_secret`,
  fabricClusterToken: (id: string) => `fabric:${id}:cluster_token`,
  notificationSinkSecret: (id: string) => `notification_sink:${id}:secret`,
} as const;

export class Vault {
  constructor(
    private readonly box: SecretBox,
    readonly redactor: Redactor,
  ) {}

  seal(plain: string, slot: string): string {
    this.redactor.add(plain);
    return this.box.encrypt(plain, slot);
  }

  open(ciphertext: string, slot: string): string {
    const plain = this.box.decrypt(ciphertext, slot);
    this.redactor.add(plain);
    return plain;
  }

  openOptional(ciphertext: string | null | undefined, slot: string): string | undefined {
    return ciphertext ? this.open(ciphertext, slot) : undefined;
  }
}

import type { RemoteStatus } from './types.js';

/**
 * A failed conversation with a remote. `status` says what a person should fix (credentials,
 * URL or branch, network); the message is already redacted and names the repository.
 */
export class GitError extends Error {
  constructor(
    readonly status: Exclude<RemoteStatus, 'CONNECTED'>,
    message: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** A file in the fabric's directory that cannot be read safely; every problem is listed. */
export class SourceFileError extends Error {
  constructor(readonly problems: readonly { readonly file: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.file}: ${p.message}`).join('; '));
    this.name = 'SourceFileError';
  }
}

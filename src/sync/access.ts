/** Opens a repository's or fabric's sealed credentials into what the git and cluster layers need. */
import type { RepoAccess } from '../git/types.js';
import type { GitRepository } from '../store/entities/index.js';
import { SECRET_SLOTS, type Vault } from '../security/vault.js';

/** `repo` must have its lazy `credentialCiphertext` loaded (`populate: ['credentialCiphertext']`). */
export function repoAccessFor(repo: GitRepository, vault: Vault): RepoAccess {
  const secret = vault.openOptional(repo.credentialCiphertext, SECRET_SLOTS.repositoryCredential(repo.id));
  const auth =
    repo.authKind === 'SSH_KEY'
      ? { kind: repo.authKind, ...(secret ? { privateKey: secret } : {}) }
      : {
          kind: repo.authKind,
          ...(repo.username ? { username: repo.username } : {}),
          ...(secret ? { secret } : {}),
        };
  return { id: repo.id, url: repo.url, auth, insecureIgnoreHostKey: repo.insecureIgnoreHostKey };
}

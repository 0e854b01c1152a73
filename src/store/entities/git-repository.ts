import { EntitySchema } from '@mikro-orm/core';
import {
  AUTH_KIND,
  REPOSITORY_CONNECTION,
  type AuthKind,
  type RepositoryConnection,
} from '../../domain/states.js';

/** A Git remote. Credentials and the webhook secret are ciphertexts from the secret box, never plain text. */
export class GitRepository {
  id!: string;
  name!: string;
  url!: string;
  defaultBranch = 'main';
  authKind: AuthKind = 'NONE';
  username: string | null = null;
  /** Token, password or private key, encrypted. */
  credentialCiphertext: string | null = null;
  webhookSecretCiphertext: string | null = null;
  insecureIgnoreHostKey = false;
  connectionStatus: RepositoryConnection = 'UNKNOWN';
  connectionMessage: string | null = null;
  lastCheckedAt: Date | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const GitRepositorySchema = new EntitySchema<GitRepository>({
  class: GitRepository,
  tableName: 'git_repository',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 253, unique: true },
    url: { type: 'text' },
    defaultBranch: { type: 'string', length: 255 },
    authKind: { enum: true, items: () => [...AUTH_KIND] },
    username: { type: 'string', length: 255, nullable: true },
    credentialCiphertext: { type: 'text', nullable: true, lazy: true },
    webhookSecretCiphertext: { type: 'text', nullable: true, lazy: true },
    insecureIgnoreHostKey: { type: 'boolean' },
    connectionStatus: { enum: true, items: () => [...REPOSITORY_CONNECTION] },
    connectionMessage: { type: 'text', nullable: true },
    lastCheckedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

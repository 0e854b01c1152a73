import { EntitySchema } from '@mikro-orm/core';
import type { Grant } from '../../security/authz.js';

export type StoredGrant = Grant;

/** An API token; only its hash is stored, the token itself is shown once at creation. */
export class ApiToken {
  id!: string;
  name!: string;
  tokenHash!: string;
  grants: StoredGrant[] = [];
  expiresAt: Date | null = null;
  lastUsedAt: Date | null = null;
  revokedAt: Date | null = null;
  createdAt: Date = new Date();
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_token',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 255 },
    tokenHash: { type: 'string', length: 128, unique: true },
    grants: { type: 'json' },
    expiresAt: { type: 'datetime', nullable: true },
    lastUsedAt: { type: 'datetime', nullable: true },
    revokedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
  },
});

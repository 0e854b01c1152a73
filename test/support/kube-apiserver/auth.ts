/**
 * Bearer-token authentication and a two-user authorizer (contract §7): the admin token may do
 * everything, the "limited" token is authenticated but denied every resource verb (403).
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from './status.js';
import type { ResourceType } from './types.js';

export type User = 'admin' | 'limited' | 'system:anonymous';

const newToken = () => randomBytes(24).toString('base64url');

export class Authenticator {
  private adminToken = newToken();
  private expired = false;
  readonly limitedToken = newToken();

  constructor(
    private readonly anonymousAuth = false,
    token?: string,
  ) {
    if (token) this.adminToken = token;
  }

  get token(): string {
    return this.adminToken;
  }

  /** The current token stops working (401) until rotate() hands out a new one. */
  expire(): void {
    this.expired = true;
  }

  rotate(): string {
    this.adminToken = newToken();
    this.expired = false;
    return this.adminToken;
  }

  /** The caller, or a 401 Status. */
  authenticate(header: string | undefined): User {
    if (!header && this.anonymousAuth) return 'system:anonymous';
    const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (token === this.adminToken && !this.expired) return 'admin';
    if (token === this.limitedToken) return 'limited';
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  }
}

export interface Attributes {
  readonly verb: string;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** Only the admin may touch resources; discovery and OpenAPI are open to every authenticated user. */
export function authorize(user: User, a: Attributes): void {
  if (user === 'admin') return;
  const qualified = a.type.group ? `${a.type.plural}.${a.type.group}` : a.type.plural;
  const resource = a.subresource ? `${a.type.plural}/${a.subresource}` : a.type.plural;
  const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const message = `${subject} is forbidden: User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.type.group}" ${scope}`;
  throw new ApiError(403, 'Forbidden', message, {
    ...(a.name ? { name: a.name } : {}),
    group: a.type.group,
    kind: a.type.plural,
  });
}

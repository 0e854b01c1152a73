/**
 * Bearer-token authentication and per-token authorization (contract §7): the admin token may do
 * everything, the "limited" token nothing, and each configured user what its role allows.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from './permissions.js';
import { allows } from './permissions.js';
import { ApiError } from './status.js';
import type { ResourceType } from './types.js';

export interface User {
  readonly name: string;
  readonly role: Role;
}

/** A token of its own for a user with a role (`--user name=token:role` on the command line). */
export interface TokenUser extends User {
  readonly token: string;
}

const ADMIN: User = { name: 'admin', role: 'admin' };
const LIMITED: User = { name: 'limited', role: 'none' };
const ANONYMOUS: User = { name: 'system:anonymous', role: 'none' };

const newToken = () => randomBytes(24).toString('base64url');

export class Authenticator {
  private adminToken = newToken();
  private expired = false;
  readonly limitedToken = newToken();

  constructor(
    private readonly anonymousAuth = false,
    token?: string,
    private readonly users: readonly TokenUser[] = [],
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
    if (!header && this.anonymousAuth) return ANONYMOUS;
    const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (token === this.adminToken && !this.expired) return ADMIN;
    if (token === this.limitedToken) return LIMITED;
    const user = this.users.find((u) => u.token === token);
    if (user) return { name: user.name, role: user.role };
    throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  }
}

export interface Attributes {
  readonly verb: string;
  readonly type: Pick<ResourceType, 'group' | 'plural'>;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** A 403 worded as RBAC words it; discovery and OpenAPI never get here (open to every user). */
export function authorize(user: User, a: Attributes): void {
  const attributes = {
    verb: a.verb,
    group: a.type.group,
    resource: a.type.plural,
    subresource: a.subresource,
  };
  if (allows(user.role, attributes)) return;
  const qualified = a.type.group ? `${a.type.plural}.${a.type.group}` : a.type.plural;
  const resource = a.subresource ? `${a.type.plural}/${a.subresource}` : a.type.plural;
  const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const message = `${subject} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.type.group}" ${scope}`;
  throw new ApiError(403, 'Forbidden', message, {
    ...(a.name ? { name: a.name } : {}),
    group: a.type.group,
    kind: a.type.plural,
  });
}

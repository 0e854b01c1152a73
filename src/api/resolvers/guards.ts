/** Small helpers resolvers share: turning ids into authorized database ids. */
import type { ApiContext } from '../context.js';
import { fromGlobalId } from '../ids.js';
import type { Action, Principal } from '../../security/authz.js';
import { DomainError } from '../../domain/errors.js';

/** The fabric id behind a global id, after checking the caller may `action` it. */
export function authorizedFabricId(
  ctx: ApiContext,
  globalId: string,
  action: Action,
  field = 'fabricId',
): string {
  const id = fromGlobalId(globalId, 'Fabric', field);
  ctx.auth.require(action, id);
  return id;
}

export function requirePrincipal(ctx: ApiContext): Principal {
  if (!ctx.auth.principal) throw new DomainError('UNAUTHENTICATED', 'a valid API token is required');
  return ctx.auth.principal;
}

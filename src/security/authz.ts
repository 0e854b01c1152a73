import { DomainError, badInput, notFound } from '../domain/errors.js';

/**
 * Who may do what. One rule table, consulted by every resolver, subscription and event filter.
 *
 * Roles rank VIEWER < OPERATOR < EDITOR < ADMIN; a grant is a role on one fabric, or on every
 * fabric when `fabricId` is null. ADMIN grants are always global.
 *
 * Actions and the API operations that need them:
 * - `read`    (VIEWER+):   queries of a fabric, its records, operations, drift reports, events;
 *                          repositories only through a readable fabric (see canSeeRepository).
 * - `operate` (OPERATOR+): syncFabric, applyFabric (also dryRun), checkDrift, reconcileFabric,
 *                          cancelOperation, testFabricConnection; testRepositoryConnection when the
 *                          token may operate some fabric that uses the repository; suspendFabric and
 *                          resumeFabric (they only hold back or allow the syncs an operator runs).
 * - `edit`    (EDITOR+):   updateFabric and record changes of that fabric. createFabric, deleteFabric
 *                          and an updateFabric that names a FABRIC_PLACEMENT_FIELDS field (which
 *                          repository, branch and directory the fabric reads and writes, its
 *                          cluster, clearCluster) are asked WITHOUT a fabric id, so they need a
 *                          global EDITOR grant (or ADMIN): a per-fabric editor can neither add
 *                          fabrics, delete its own, nor move it onto Git files or a cluster it may
 *                          not touch (another fabric's directory, whose next reconcile would apply
 *                          what it commits; a server of its choosing, which would get the token). It
 *                          still changes the rest (description, lifecycle, interval, autoApply,
 *                          prune, selfHeal). With global edit, any repository id may be referenced,
 *                          even one no fabric uses yet.
 *                          Notification sinks: edit on the fabric creates, updates and deletes
 *                          them; read lists them (Fabric.notificationSinks, never their secret).
 * - `admin`   (ADMIN):     API tokens (create, revoke, list) and repository create/update/delete,
 *                          since repositories hold credentials shared by several fabrics.
 *
 * An action asked without a fabric id means "on every fabric": only a global grant of that level
 * allows it.
 */
export const ROLES = ['VIEWER', 'OPERATOR', 'EDITOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
export const ACTIONS = ['read', 'operate', 'edit', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Grant {
  readonly role: Role;
  /** null = every fabric. */
  readonly fabricId: string | null;
}

export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly grants: readonly Grant[];
}

/** updateFabric fields that place a fabric in Git and on a cluster: changing them needs edit on every fabric. */
export const FABRIC_PLACEMENT_FIELDS = [
  'repositoryId',
  'branch',
  'directory',
  'cluster',
  'clearCluster',
] as const;

const RANK: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, EDITOR: 3, ADMIN: 4 };
const NEEDS: Record<Action, number> = { read: 1, operate: 2, edit: 3, admin: 4 };

/** Refuses grants the rules cannot express; call it on createApiToken input. */
export function validateGrants(grants: readonly Grant[], field = 'grants'): void {
  if (grants.length === 0) throw badInput(field, 'a token needs at least one grant');
  grants.forEach((grant, i) => {
    if (!ROLES.includes(grant.role))
      throw badInput(`${field}[${i}].role`, `unknown role ${String(grant.role)}`);
    if (grant.role === 'ADMIN' && grant.fabricId !== null)
      throw badInput(`${field}[${i}].fabricId`, 'ADMIN grants apply to every fabric; leave fabricId empty');
  });
}

export class Authorizer {
  private readonly globalRank: number;
  private readonly fabricRank: ReadonlyMap<string, number>;

  constructor(readonly principal: Principal | null) {
    const grants = principal?.grants ?? [];
    if (grants.some((g) => g.role === 'ADMIN' && g.fabricId !== null))
      throw new Error(`API token ${principal?.tokenId} has a per-fabric ADMIN grant, which is never valid`);
    this.globalRank = Math.max(0, ...grants.filter((g) => g.fabricId === null).map((g) => RANK[g.role]));
    const perFabric = new Map<string, number>();
    for (const { role, fabricId } of grants)
      if (fabricId !== null) perFabric.set(fabricId, Math.max(perFabric.get(fabricId) ?? 0, RANK[role]));
    this.fabricRank = perFabric;
  }

  get isAuthenticated(): boolean {
    return this.principal !== null;
  }

  get isAdmin(): boolean {
    return this.globalRank >= RANK.ADMIN;
  }

  /** With a fabric id: on that fabric. Without: on every fabric (needs a global grant). */
  can(action: Action, fabricId?: string): boolean {
    return this.rankOn(fabricId) >= NEEDS[action];
  }

  /**
   * Throws UNAUTHENTICATED without a principal; NOT_FOUND for a fabric the token cannot read (so
   * it learns nothing about it, not even that it exists); FORBIDDEN when it can read but not act.
   */
  require(action: Action, fabricId?: string): void {
    if (this.principal === null) throw new DomainError('UNAUTHENTICATED', 'a valid API token is required');
    if (this.can(action, fabricId)) return;
    if (fabricId !== undefined && !this.can('read', fabricId)) throw notFound('fabric', fabricId);
    throw new DomainError(
      'FORBIDDEN',
      `API token "${this.principal.name}" may not ${action} ${fabricId === undefined ? 'every fabric' : `fabric ${fabricId}`}`,
      { action, ...(fabricId === undefined ? {} : { fabricId }) },
    );
  }

  /**
   * updateFabric: edit on the fabric, and edit on every fabric when `input` names a placement
   * field (even with its current value); FORBIDDEN names the first such field.
   */
  requireFabricUpdate(fabricId: string, input: Readonly<Record<string, unknown>>): void {
    this.require('edit', fabricId);
    const placement = FABRIC_PLACEMENT_FIELDS.find((field) => input[field] !== undefined);
    if (placement === undefined || this.can('edit')) return;
    throw new DomainError(
      'FORBIDDEN',
      `API token "${this.principal?.name}" may not change the ${placement} of fabric ${fabricId}: that needs edit on every fabric`,
      { action: 'edit', fabricId, field: `input.${placement}` },
    );
  }

  /** For list queries and event filters: 'ALL', or exactly the fabrics with a grant (maybe none). */
  readableFabricIds(): 'ALL' | string[] {
    if (this.globalRank >= NEEDS.read) return 'ALL';
    return [...this.fabricRank.keys()];
  }

  /**
   * For repository lists: 'ALL' for admins; otherwise only repositories used by one of
   * `usedByFabricIds` ('ALL' = used by any fabric at all), which the store turns into a join.
   */
  repositoryScope(): 'ALL' | { readonly usedByFabricIds: 'ALL' | string[] } {
    return this.isAdmin ? 'ALL' : { usedByFabricIds: this.readableFabricIds() };
  }

  /** A repository is visible to an admin, or through any readable fabric that uses it. */
  canSeeRepository(usedByFabricIds: readonly string[]): boolean {
    return this.isAdmin || usedByFabricIds.some((id) => this.can('read', id));
  }

  /** Repository-level checks (`read`, or `operate` for testRepositoryConnection); hidden ones are NOT_FOUND. */
  requireRepository(
    action: 'read' | 'operate',
    repositoryId: string,
    usedByFabricIds: readonly string[],
  ): void {
    if (this.principal === null) throw new DomainError('UNAUTHENTICATED', 'a valid API token is required');
    if (this.isAdmin || usedByFabricIds.some((id) => this.can(action, id))) return;
    if (!this.canSeeRepository(usedByFabricIds)) throw notFound('repository', repositoryId);
    throw new DomainError(
      'FORBIDDEN',
      `API token "${this.principal.name}" may not ${action} repository ${repositoryId}`,
      {
        action,
        repositoryId,
      },
    );
  }

  private rankOn(fabricId: string | undefined): number {
    if (fabricId === undefined) return this.globalRank;
    return Math.max(this.globalRank, this.fabricRank.get(fabricId) ?? 0);
  }
}

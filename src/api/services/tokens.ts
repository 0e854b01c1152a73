/** API tokens: create (shown once), revoke, list, and turn a presented token into a principal. */
import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { BoundedMap } from '../../domain/bounded-map.js';
import { badInput, notFound } from '../../domain/errors.js';
import { displayName } from '../../domain/input-rules.js';
import { generateApiToken, hashApiToken, isExpired } from '../../security/api-tokens.js';
import { validateGrants, type Grant, type Principal } from '../../security/authz.js';
import type { Redactor } from '../../security/redactor.js';
import { ApiToken, Fabric } from '../../store/entities/index.js';

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';
/** last_used_at is a hint, not an audit log: write it at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a replica trusts a token it looked up, so requests do not each read api_token. A
 * revocation is immediate on the replica that revoked it and takes at most this long elsewhere.
 */
const TOKEN_CACHE_MS = 5_000;
/** Only tokens that authenticated are cached, and at most this many, so guessing cannot fill memory. */
const TOKEN_CACHE_ENTRIES = 10_000;

interface CachedToken {
  readonly principal: Principal;
  readonly tokenExpiresAt: Date | null;
  readonly cachedUntil: number;
}

export interface TokenServiceDeps {
  readonly orm: MikroORM;
  readonly redactor: Redactor;
}

export class TokenService {
  /** By token hash: what the database said about the token a moment ago. */
  private readonly cache = new BoundedMap<string, CachedToken>(TOKEN_CACHE_ENTRIES);
  /** Reads in flight, by token hash. */
  private readonly lookups = new Map<string, Promise<Principal | null>>();
  private revocations = 0;

  constructor(private readonly deps: TokenServiceDeps) {}

  async create(input: { name: string; expiresAt?: Date | null; grants: readonly Grant[] }) {
    const name = displayName('input.name', input.name, 255);
    // Restarting with a new FABRIC_SYNC_ADMIN_TOKEN revokes tokens of this name: none may be made by hand.
    if (name === BOOTSTRAP_TOKEN_NAME) throw badInput('input.name', `"${name}" is reserved`);
    validateGrants(input.grants, 'input.grants');
    if (input.expiresAt && isExpired(input.expiresAt)) throw badInput('input.expiresAt', 'is in the past');
    const em = this.deps.orm.em.fork();
    const fabricIds = [...new Set(input.grants.flatMap((g) => (g.fabricId ? [g.fabricId] : [])))];
    const found = fabricIds.length ? await em.count(Fabric, { id: { $in: fabricIds } }) : 0;
    if (found !== fabricIds.length) throw badInput('input.grants', 'names a fabric that does not exist');
    return this.insert(em, name, input.grants, input.expiresAt ?? null);
  }

  private async insert(em: EntityManager, name: string, grants: readonly Grant[], expiresAt: Date | null) {
    const { token, hash } = generateApiToken();
    this.deps.redactor.add(token);
    const apiToken = Object.assign(new ApiToken(), {
      id: randomUUID(),
      name,
      tokenHash: hash,
      grants: grants.map(({ role, fabricId }) => ({ role, fabricId })),
      expiresAt,
    });
    await em.persist(apiToken).flush();
    return { token, apiToken };
  }

  async revoke(id: string): Promise<void> {
    const updated = await this.deps.orm.em
      .fork()
      .nativeUpdate(ApiToken, { id, revokedAt: null }, { revokedAt: new Date() });
    if (updated === 0) throw notFound('API token', id);
    this.revocations += 1;
    this.cache.deleteWhere((cached) => cached.principal.tokenId === id);
  }

  /** The principal behind a presented token, or null (unknown, revoked or expired: the caller says 401 alike). */
  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashApiToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.cachedUntil > Date.now())
      return isExpired(cached.tokenExpiresAt) ? null : cached.principal;
    // Every subscriber of a token re-checks it per event: when its entry expires, they share one read.
    let lookup = this.lookups.get(hash);
    if (!lookup) {
      lookup = this.lookUp(hash).finally(() => this.lookups.delete(hash));
      this.lookups.set(hash, lookup);
    }
    return lookup;
  }

  private async lookUp(hash: string): Promise<Principal | null> {
    const revocations = this.revocations;
    const now = Date.now();
    this.cache.delete(hash);
    const em = this.deps.orm.em.fork();
    const found = await em.findOne(ApiToken, { tokenHash: hash, revokedAt: null });
    if (!found || isExpired(found.expiresAt)) return null;
    if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)
      await em.nativeUpdate(ApiToken, { id: found.id }, { lastUsedAt: new Date(now) });
    const principal = { tokenId: found.id, name: found.name, grants: found.grants };
    // A revocation during the read may concern this very token: answer, but do not remember.
    if (revocations === this.revocations)
      this.cache.set(hash, { principal, tokenExpiresAt: found.expiresAt, cachedUntil: now + TOKEN_CACHE_MS });
    return principal;
  }

  /**
   * Makes sure an admin can get in: FABRIC_SYNC_ADMIN_TOKEN becomes the bootstrap admin token and
   * revokes any other (a rotated setting must shut the old token out); without it, the first start
   * generates one. Returns the token text only when it was generated now, so the caller prints it once.
   */
  async bootstrap(configured: string | undefined): Promise<string | null> {
    const admin: Grant[] = [{ role: 'ADMIN', fabricId: null }];
    if (configured) {
      this.deps.redactor.add(configured);
      await this.deps.orm.em
        .fork()
        .transactional((em) => this.replaceBootstrap(em, hashApiToken(configured), admin));
      return null;
    }
    const em = this.deps.orm.em.fork();
    const anyAdmin = await em
      .getConnection()
      .execute(
        `select 1 from api_token where revoked_at is null and grants @> '[{"role":"ADMIN"}]'::jsonb limit 1`,
      );
    if (anyAdmin.length > 0) return null;
    const { token } = await this.insert(em, BOOTSTRAP_TOKEN_NAME, admin, null);
    return token;
  }

  private async replaceBootstrap(em: EntityManager, hash: string, admin: Grant[]): Promise<void> {
    await em.upsert(
      ApiToken,
      { id: randomUUID(), name: BOOTSTRAP_TOKEN_NAME, tokenHash: hash, grants: admin, createdAt: new Date() },
      { onConflictFields: ['tokenHash'], onConflictAction: 'ignore' },
    );
    await em.nativeUpdate(
      ApiToken,
      { name: BOOTSTRAP_TOKEN_NAME, tokenHash: { $ne: hash }, revokedAt: null },
      { revokedAt: new Date() },
    );
  }
}

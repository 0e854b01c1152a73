/** Builds an ApiContext for one request (HTTP) or one operation (WebSocket) from a presented token. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { parseBearer } from '../security/api-tokens.js';
import { Authorizer } from '../security/authz.js';
import type { ApiContext } from './context.js';
import { createLoaders } from './loaders.js';
import type { Services } from './services/index.js';

export class ContextFactory {
  constructor(
    private readonly orm: MikroORM,
    readonly services: Services,
    /** What every context calls after a mutation (the response cache's invalidation). */
    readonly mutated?: () => void,
  ) {}

  /** Null when the header carries no valid, unexpired, unrevoked token. */
  async authenticate(authorization: unknown): Promise<Authorizer | null> {
    const token = typeof authorization === 'string' ? parseBearer(authorization) : null;
    if (!token) return null;
    const principal = await this.services.tokens.authenticate(token);
    return principal ? new Authorizer(principal) : null;
  }

  create(auth: Authorizer): ApiContext {
    const em = this.orm.em.fork();
    return {
      auth,
      em,
      loaders: createLoaders(em),
      services: this.services,
      ...(this.mutated ? { mutated: this.mutated } : {}),
    };
  }
}

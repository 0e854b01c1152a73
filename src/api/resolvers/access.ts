import type { ApiContext } from '../context.js';
import type { GApiTokenResolvers, GGrantResolvers, GViewerResolvers } from '../generated/graphql.js';
import { toGlobalId } from '../ids.js';

export const ApiToken: GApiTokenResolvers<ApiContext> = {
  id: (t) => toGlobalId('ApiToken', t.id),
};

export const Grant: GGrantResolvers<ApiContext> = {
  fabric: (g, _a, ctx) =>
    g.fabricId && ctx.auth.can('read', g.fabricId) ? ctx.loaders.fabric.load(g.fabricId) : null,
};

export const Viewer: GViewerResolvers<ApiContext> = {
  tokenName: (p) => p.name,
  grants: (p) => [...p.grants],
};

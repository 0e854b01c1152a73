/**
 * `impact(recordId, depth)`: the reverse-reference walk of domain/impact.ts fed from the reference
 * index, one statement per level (every key of a level goes to the `incoming` DataLoader in the same
 * tick), plus two for the records impacted attachments and peerings join. Never one per record.
 */
import {
  IMPACT_DEPTH,
  ImpactWalk,
  deleteBlockers,
  type ImpactHop,
  type ReferenceRow,
} from '../../domain/impact.js';
import { badInput } from '../../domain/errors.js';
import { EDGES } from '../../domain/reference-edges.js';
import type { ResourceRecord } from '../../store/entities/index.js';
import type { ApiContext } from '../context.js';
import type { GKind, GQueryResolvers } from '../generated/graphql.js';
import { nameKey } from '../graph-loaders.js';
import { fromGlobalId } from '../ids.js';

type Walk = ImpactWalk<ResourceRecord>;

/** The references pointing at each record of `targets`, as walk rows. */
async function dependentsOf(ctx: ApiContext, targets: readonly ResourceRecord[]) {
  const found = await Promise.all(
    targets.map((t) => ctx.loaders.graph.incoming.load(nameKey(t.fabric.id, t.kind, t.name))),
  );
  return found.flatMap((refs, i): ReferenceRow<ResourceRecord>[] =>
    refs.map(({ record, edge, field }) => ({
      source: record,
      edge,
      field,
      targetKind: targets[i]!.kind,
      targetName: targets[i]!.name,
    })),
  );
}

/** The records each impacted attachment or peering references, for the walk's LOSES hops. */
async function addJoined(ctx: ApiContext, walk: Walk): Promise<void> {
  const joiners = walk.joiners();
  const refs = await Promise.all(joiners.map((j) => ctx.loaders.graph.outgoing.load(j.id)));
  const pairs = joiners.flatMap((joiner, i) => refs[i]!.map((ref) => ({ joiner, ref })));
  const targets = await Promise.all(
    pairs.map(({ joiner, ref }) =>
      ctx.loaders.graph.recordByName.load(nameKey(joiner.fabric.id, ref.targetKind, ref.targetName)),
    ),
  );
  walk.addJoined(
    pairs.flatMap(({ joiner, ref }, i) => {
      const target = targets[i];
      return target ? [{ joiner, edge: ref.edge, field: ref.field, target }] : [];
    }),
  );
}

/** GraphQL names the edge by the referring record's field (`connection`, `switches`). */
const edgeField = (edge: string): string => EDGES[edge as keyof typeof EDGES]?.edge ?? edge;

const hopView = (hop: ImpactHop) => ({
  kind: hop.kind as GKind,
  name: hop.name,
  relation: hop.relation,
  edge: hop.edge && edgeField(hop.edge),
  field: hop.field,
});

export const impact: GQueryResolvers<ApiContext>['impact'] = async (_p, { recordId, depth }, ctx) => {
  const levels = depth ?? IMPACT_DEPTH.default;
  if (!Number.isInteger(levels) || levels < IMPACT_DEPTH.min || levels > IMPACT_DEPTH.max)
    throw badInput('depth', `must be between ${IMPACT_DEPTH.min} and ${IMPACT_DEPTH.max}`);
  const root = await ctx.loaders.record.load(fromGlobalId(recordId, 'Record', 'recordId'));
  if (!root || !ctx.auth.can('read', root.fabric.id)) return null;

  const walk = new ImpactWalk(root, levels);
  const direct = await dependentsOf(ctx, walk.frontier());
  walk.addDependents(direct);
  for (let frontier = walk.frontier(); frontier.length > 0; frontier = walk.frontier())
    walk.addDependents(await dependentsOf(ctx, frontier));
  await addJoined(ctx, walk);

  const blockers = deleteBlockers(root, direct);
  return {
    root,
    depth: levels,
    impacted: walk.entries().map((e) => ({ record: e.record, depth: e.depth, path: e.path.map(hopView) })),
    truncated: walk.truncated,
    deleteRefused: blockers.length > 0,
    deleteBlockers: blockers.map((b) => ({
      record: b.record,
      edge: edgeField(b.edge),
      field: b.field,
      reason: b.reason,
    })),
  };
};
